// Matrix products through the BLAS, on the tensors' own buffers: C = op(A) · op(B), row-major,
// with op(X) = Xᵀ when its flag is set. Offsets select one matrix of a batch; no copies.
#ifdef KEEL_BLAS_mkl
#include <mkl_cblas.h>
#else
#include <cblas.h>
#endif

#include "keel.h"


// With more than one thread the BLAS itself runs single-threaded and each product is split here
// into slabs of C's rows or columns (the longer side), one BLAS call each on the same buffers,
// claimed by whichever thread is free (threads.c). Measured on 2 cores, a training step's 64-row
// products ran 1.4–1.7x faster this way than on OpenBLAS's own threads (which barely beat one
// thread there), and large ones (512³, 1024x784x512) equally fast.
// Below this a product stays on the calling thread: a 64x784x128 product (13 MFLOP) gains ~1.4x
// split in two, once the workers poll between jobs instead of sleeping; the output layer's
// 64x128x10 (0.2 MFLOP) would gain nothing.
#define KEEL_GEMM_SERIAL_FLOPS (1 << 22)
// Rows or columns per slab at least: thinner slabs each repack the other operand, and ran slower
// (64x784x128 in four 32-column slabs: 1.1x faster than one thread; in two: 1.4x). Above it, two
// slabs per thread: the wide MLP's 128x784x512 in eight slabs ran 1.13x slower than in four, in
// two (one per thread) 1.1x slower, since a late worker's slab then has to be waited for.
#define KEEL_GEMM_MIN_SLAB 64

typedef struct {
  enum CBLAS_TRANSPOSE transpose_a, transpose_b;
  int m, n, k, lda, ldb, ldc;
  const float *a, *b;
  float *c;
  int by_rows;
} gemm_split;

static void gemm_slab(void *context, size_t begin, size_t end) {
  const gemm_split *g = context;
  const int first = (int)begin, count = (int)(end - begin);
  if (g->by_rows) { // rows of C come from rows of op(A): rows of A, or columns of the stored [k, m]
    const float *a = g->a + (g->transpose_a == CblasTrans ? (size_t)first : (size_t)first * g->lda);
    cblas_sgemm(CblasRowMajor, g->transpose_a, g->transpose_b, count, g->n, g->k, 1.0f, a, g->lda, g->b, g->ldb, 0.0f, g->c + (size_t)first * g->ldc, g->ldc);
  } else { // columns of C come from columns of op(B)
    const float *b = g->b + (g->transpose_b == CblasTrans ? (size_t)first * g->ldb : (size_t)first);
    cblas_sgemm(CblasRowMajor, g->transpose_a, g->transpose_b, g->m, count, g->k, 1.0f, g->a, g->lda, b, g->ldb, 0.0f, g->c + first, g->ldc);
  }
}

/** C = op(A) · op(B), row-major, split over the addon's threads when it is large enough. */
static void sgemm(int transpose_a, int transpose_b, int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
  gemm_split g = {transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k, lda, ldb, ldc, a, b, c, m >= n};
  size_t along = (size_t)(g.by_rows ? m : n);
  if (2.0 * m * n * k < KEEL_GEMM_SERIAL_FLOPS) gemm_slab(&g, 0, along);
  else {
    size_t slab = along / (2 * (size_t)keel_get_threads());
    keel_parallel_for(along, slab > KEEL_GEMM_MIN_SLAB ? slab : KEEL_GEMM_MIN_SLAB, gemm_slab, &g);
  }
}

// gemm(a, aOffset, b, bOffset, c, cOffset, m, n, k, transposeA, transposeB)
napi_value keel_gemm(napi_env env, napi_callback_info info) {
  const char *fn = "gemm";
  napi_value args[11];
  float *a, *b, *c;
  size_t a_length, b_length, c_length;
  int64_t a_offset, b_offset, c_offset, m, n, k;
  int transpose_a, transpose_b;
  const int64_t max = 2147483647; // BLAS dimensions are ints
  if (!keel_args(env, info, fn, 11, args) ||
      !keel_f32(env, args[0], fn, "a", &a, &a_length) || !keel_int(env, args[1], fn, "aOffset", 0, 1LL << 52, &a_offset) ||
      !keel_f32(env, args[2], fn, "b", &b, &b_length) || !keel_int(env, args[3], fn, "bOffset", 0, 1LL << 52, &b_offset) ||
      !keel_f32(env, args[4], fn, "c", &c, &c_length) || !keel_int(env, args[5], fn, "cOffset", 0, 1LL << 52, &c_offset) ||
      !keel_int(env, args[6], fn, "m", 0, max, &m) || !keel_int(env, args[7], fn, "n", 0, max, &n) ||
      !keel_int(env, args[8], fn, "k", 0, max, &k) || !keel_bool(env, args[9], fn, "transposeA", &transpose_a) ||
      !keel_bool(env, args[10], fn, "transposeB", &transpose_b) ||
      !keel_fits(env, fn, "a", a_length, (size_t)a_offset, (size_t)(m * k)) ||
      !keel_fits(env, fn, "b", b_length, (size_t)b_offset, (size_t)(k * n)) ||
      !keel_fits(env, fn, "c", c_length, (size_t)c_offset, (size_t)(m * n))) {
    return NULL;
  }
  if (m == 0 || n == 0) return keel_undefined(env);
  float *out = c + c_offset;
  if (k == 0) { // an empty sum; BLAS would reject the leading dimensions
    for (int64_t i = 0; i < m * n; i++) out[i] = 0.0f;
    return keel_undefined(env);
  }
  // Leading dimensions are the stored row lengths: A is [m, k] or, transposed, [k, m].
  int lda = transpose_a ? (int)m : (int)k;
  int ldb = transpose_b ? (int)k : (int)n;
  sgemm(transpose_a, transpose_b, (int)m, (int)n, (int)k, a + a_offset, lda, b + b_offset, ldb, out, (int)n);
  return keel_undefined(env);
}

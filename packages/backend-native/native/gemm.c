// Matrix products through the BLAS, on the tensors' own buffers: C = op(A) · op(B), row-major,
// with op(X) = Xᵀ when its flag is set. Offsets select one matrix of a batch; no copies.
#ifdef KEEL_BLAS_mkl
#include <mkl_cblas.h>
#else
#include <cblas.h>
#endif

#include "keel.h"

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
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
              1.0f, a + a_offset, lda, b + b_offset, ldb, 0.0f, out, (int)n);
  return keel_undefined(env);
}

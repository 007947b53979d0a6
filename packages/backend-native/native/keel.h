// Shared declarations of the addon's parts: argument checking, the thread pool, the BLAS, shared math.
#ifndef KEEL_NATIVE_H
#define KEEL_NATIVE_H

#include <math.h>
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

// ---- arguments (args.c) ----------------------------------------------------------------------
// Each returns 0 after throwing a JavaScript error that names the function and the argument.

/** The function's arguments; `count` must match exactly (kernels are internal: a mismatch is a bug). */
int keel_args(napi_env env, napi_callback_info info, const char *fn, size_t count, napi_value *args);
int keel_f32(napi_env env, napi_value value, const char *fn, const char *what, float **data, size_t *length);
int keel_f64(napi_env env, napi_value value, const char *fn, const char *what, double **data, size_t *length);
int keel_i32s(napi_env env, napi_value value, const char *fn, const char *what, int32_t **data, size_t *length);
/** A whole number in [min, max]. */
int keel_int(napi_env env, napi_value value, const char *fn, const char *what, int64_t min, int64_t max, int64_t *out);
int keel_num(napi_env env, napi_value value, const char *fn, const char *what, double *out);
int keel_bool(napi_env env, napi_value value, const char *fn, const char *what, int *out);
/** Throws a RangeError "fn: message" and returns 0. */
int keel_range_error(napi_env env, const char *fn, const char *message);
/** Checks that `count` elements from `offset` fit an array of `length`. */
int keel_fits(napi_env env, const char *fn, const char *what, size_t length, size_t offset, size_t count);
/** The product of `count` sizes, or 0 after a RangeError if it overflows. */
int keel_product(napi_env env, const char *fn, const int64_t *factors, int count, size_t *out);
napi_value keel_undefined(napi_env env);

// ---- threads (threads.c) ---------------------------------------------------------------------

typedef void (*keel_range_fn)(void *context, size_t begin, size_t end);

/**
 * Runs fn over [0, total) split into contiguous ranges of at least `grain` items (up to 4 per
 * thread), which the calling thread and the workers claim as they come free; with fewer than two
 * such ranges, on the calling thread alone. Each item is computed by exactly one thread in the
 * same order as a serial loop, so elementwise results never depend on the thread count.
 */
void keel_parallel_for(size_t total, size_t grain, keel_range_fn fn, void *context);
/** Sets the addon's threads, which run its loops and split BLAS products (the BLAS itself stays
 *  single-threaded). Workers poll for ~0.5 ms after each job, then sleep. */
void keel_set_threads(int threads);
int keel_get_threads(void);
/** Items per chunk below which an elementwise loop stays serial: a chunk handed to another core
 *  costs about a µs (its cache lines move); a 100K-element update split in two ran 1.3x faster. */
#define KEEL_GRAIN_CHEAP 16384
#define KEEL_GRAIN_COSTLY 8192

// ---- BLAS (blas.c) ---------------------------------------------------------------------------

void keel_blas_set_threads(int threads);
/** A description of the BLAS the addon was linked against. */
const char *keel_blas_name(void);

// ---- shared math -----------------------------------------------------------------------------

/** The logistic function in double precision (sigmoid and the fused activations). Stable by
 *  construction: exp only ever sees a non-positive argument. */
static inline double keel_sigmoid(double x) {
  if (x >= 0) return 1 / (1 + exp(-x));
  double e = exp(x);
  return e / (1 + e);
}

// ---- N-API functions, one group per file -----------------------------------------------------

napi_value keel_gemm(napi_env env, napi_callback_info info);
napi_value keel_unary(napi_env env, napi_callback_info info);
napi_value keel_affine(napi_env env, napi_callback_info info);
napi_value keel_clip(napi_env env, napi_callback_info info);
napi_value keel_binary(napi_env env, napi_callback_info info);
napi_value keel_where(napi_env env, napi_callback_info info);
napi_value keel_strided_copy(napi_env env, napi_callback_info info);
napi_value keel_reduce(napi_env env, napi_callback_info info);
napi_value keel_arg_reduce(napi_env env, napi_callback_info info);
napi_value keel_softmax(napi_env env, napi_callback_info info);
napi_value keel_one_hot(napi_env env, napi_callback_info info);
napi_value keel_gather(napi_env env, napi_callback_info info);
napi_value keel_gather_grad(napi_env env, napi_callback_info info);
napi_value keel_window(napi_env env, napi_callback_info info);
napi_value keel_bias_activation(napi_env env, napi_callback_info info);
napi_value keel_activation_grad(napi_env env, napi_callback_info info);
napi_value keel_cross_entropy(napi_env env, napi_callback_info info);
napi_value keel_cross_entropy_grad(napi_env env, napi_callback_info info);
napi_value keel_all_finite(napi_env env, napi_callback_info info);
napi_value keel_axpby(napi_env env, napi_callback_info info);
napi_value keel_tune_malloc(napi_env env, napi_callback_info info);

#endif

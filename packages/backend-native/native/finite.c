// The numerics guard's check, run on every gradient of every step: whether every value is
// finite. Serial on purpose: it is a memory-bound scan that stops at the first bad block, and a
// single pass over a parameter's gradient takes microseconds.
#include <math.h>

#include "keel.h"

/** Values per block: the block's loop has no early exit, so the compiler vectorises it. */
#define FINITE_BLOCK 4096

static int block_finite(const float *x, size_t n) {
  int bad = 0;
  for (size_t i = 0; i < n; i++) bad |= !isfinite(x[i]);
  return !bad;
}

static int all_finite(const float *x, size_t length) {
  for (size_t i = 0; i < length; i += FINITE_BLOCK) {
    size_t n = length - i < FINITE_BLOCK ? length - i : FINITE_BLOCK;
    if (!block_finite(x + i, n)) return 0;
  }
  return 1;
}

// allFinite(x): true when no value is NaN or ±Infinity
napi_value keel_all_finite(napi_env env, napi_callback_info info) {
  const char *fn = "allFinite";
  napi_value args[1], result;
  float *x;
  size_t length;
  if (!keel_args(env, info, fn, 1, args) || !keel_f32(env, args[0], fn, "x", &x, &length)) return NULL;
  napi_get_boolean(env, all_finite(x, length), &result);
  return result;
}

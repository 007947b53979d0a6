// Optimizer updates over whole parameter buffers: a·x + b·y in one pass (p − lr·u, a momentum
// trace g + μ·v, a moment b1·m + (1 − b1)·g), where the unfused ops write two scaled copies and
// a sum. Bit-identical to the 'js' reference: each product in double, rounded to float before
// the sum (as mul then add round), and a zero comes out +0 (as the unfused scaling, x·a + 0).
#include "keel.h"

typedef struct {
  const float *x, *y;
  float *out;
  double a, b;
} axpby_job;

static void axpby_range(void *context, size_t begin, size_t end) {
  const axpby_job *job = context;
  const float *x = job->x, *y = job->y;
  float *out = job->out;
  const double a = job->a, b = job->b;
  for (size_t i = begin; i < end; i++) {
    float ax = (float)((double)x[i] * a), by = (float)((double)y[i] * b);
    out[i] = ax + by + 0.0f;
  }
}

// axpby(x, y, out, a, b): out = a·x + b·y, all of one length
napi_value keel_axpby(napi_env env, napi_callback_info info) {
  const char *fn = "axpby";
  napi_value args[5];
  axpby_job job;
  size_t x_length, y_length, out_length;
  if (!keel_args(env, info, fn, 5, args) || !keel_f32(env, args[0], fn, "x", (float **)&job.x, &x_length) ||
      !keel_f32(env, args[1], fn, "y", (float **)&job.y, &y_length) || !keel_f32(env, args[2], fn, "out", &job.out, &out_length) ||
      !keel_num(env, args[3], fn, "a", &job.a) || !keel_num(env, args[4], fn, "b", &job.b) ||
      !keel_fits(env, fn, "y", y_length, 0, x_length) || !keel_fits(env, fn, "out", out_length, 0, x_length)) {
    return NULL;
  }
  keel_parallel_for(x_length, KEEL_GRAIN_CHEAP, axpby_range, &job);
  return keel_undefined(env);
}

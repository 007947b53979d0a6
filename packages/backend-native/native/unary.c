// Elementwise functions of one tensor. Results match the 'js' reference: transcendental functions
// run in double precision and are rounded to float32 once, NaN stays NaN through relu and step.
#include <math.h>

#include "keel.h"

// Op codes, in the order of src/kernels/codes.ts.
enum {
  NEG, ABS, SIGN, EXP, EXPM1, LOG, LOG1P, SQRT, RSQRT, SQUARE, RECIPROCAL, SIN, COS, TANH, SIGMOID, SOFTPLUS,
  RELU, STEP, FLOOR, CEIL, ROUND, ERF, IS_FINITE, COPY, UNARY_COUNT
};

static double softplus(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

// JavaScript's Math.round: halves go up, and the sign of a zero result follows the input.
static double round_half_up(double x) {
  double r = floor(x + 0.5); // exact: x is a float32 value
  return r == 0 && signbit(x) ? -0.0 : r;
}

typedef struct {
  int op;
  const float *x;
  float *out;
} unary_job;

#define MAP(expression)                                                                                                                    \
  for (size_t i = begin; i < end; i++) {                                                                                                   \
    float v = x[i];                                                                                                                        \
    out[i] = (expression);                                                                                                                 \
  }                                                                                                                                        \
  break

static void unary_range(void *context, size_t begin, size_t end) {
  const unary_job *job = context;
  const float *x = job->x;
  float *out = job->out;
  switch (job->op) {
    case NEG: MAP(-v);
    case ABS: MAP(fabsf(v));
    case SIGN: MAP(v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f);
    case EXP: MAP((float)exp(v));
    case EXPM1: MAP((float)expm1(v));
    case LOG: MAP((float)log(v));
    case LOG1P: MAP((float)log1p(v));
    case SQRT: MAP(sqrtf(v)); // correctly rounded, as the double result rounded once
    case RSQRT: MAP((float)(1 / sqrt(v)));
    case SQUARE: MAP(v * v);
    case RECIPROCAL: MAP(1.0f / v);
    case SIN: MAP((float)sin(v));
    case COS: MAP((float)cos(v));
    case TANH: MAP((float)tanh(v));
    case SIGMOID: MAP((float)keel_sigmoid(v));
    case SOFTPLUS: MAP((float)softplus(v));
    case RELU: MAP(v > 0 || v != v ? v : 0.0f);
    case STEP: MAP(v > 0 ? 1.0f : v != v ? v : 0.0f);
    case FLOOR: MAP(floorf(v));
    case CEIL: MAP(ceilf(v));
    case ROUND: MAP((float)round_half_up(v));
    case ERF: MAP((float)erf(v));
    case IS_FINITE: MAP(isfinite(v) ? 1.0f : 0.0f);
    case COPY: MAP(v);
  }
}

static int costly(int op) { return op == EXP || op == EXPM1 || op == LOG || op == LOG1P || op == SIN || op == COS || op == TANH || op == SIGMOID || op == SOFTPLUS || op == ERF; }

// unary(op, x, out)
napi_value keel_unary(napi_env env, napi_callback_info info) {
  const char *fn = "unary";
  napi_value args[3];
  int64_t op;
  unary_job job;
  size_t x_length, out_length;
  if (!keel_args(env, info, fn, 3, args) || !keel_int(env, args[0], fn, "op", 0, UNARY_COUNT - 1, &op) ||
      !keel_f32(env, args[1], fn, "x", (float **)&job.x, &x_length) || !keel_f32(env, args[2], fn, "out", &job.out, &out_length) ||
      !keel_fits(env, fn, "out", out_length, 0, x_length)) {
    return NULL;
  }
  job.op = (int)op;
  keel_parallel_for(x_length, costly(job.op) ? KEEL_GRAIN_COSTLY : KEEL_GRAIN_CHEAP, unary_range, &job);
  return keel_undefined(env);
}

typedef struct {
  const float *x;
  float *out;
  double scale, offset;
} affine_job;

static void affine_range(void *context, size_t begin, size_t end) {
  const affine_job *job = context;
  // in double, rounded once, like the reference (scale and offset are doubles)
  for (size_t i = begin; i < end; i++) job->out[i] = (float)((double)job->x[i] * job->scale + job->offset);
}

// affine(x, out, scale, offset): x · scale + offset
napi_value keel_affine(napi_env env, napi_callback_info info) {
  const char *fn = "affine";
  napi_value args[4];
  affine_job job;
  size_t x_length, out_length;
  if (!keel_args(env, info, fn, 4, args) || !keel_f32(env, args[0], fn, "x", (float **)&job.x, &x_length) ||
      !keel_f32(env, args[1], fn, "out", &job.out, &out_length) || !keel_num(env, args[2], fn, "scale", &job.scale) ||
      !keel_num(env, args[3], fn, "offset", &job.offset) || !keel_fits(env, fn, "out", out_length, 0, x_length)) {
    return NULL;
  }
  keel_parallel_for(x_length, KEEL_GRAIN_CHEAP, affine_range, &job);
  return keel_undefined(env);
}

typedef struct {
  int inside; // 0: clip to [low, high]; 1: 1 where low <= x <= high (clip's gradient mask)
  const float *x;
  float *out;
  double low, high;
} clip_job;

static void clip_range(void *context, size_t begin, size_t end) {
  const clip_job *job = context;
  const double low = job->low, high = job->high;
  const float *x = job->x;
  float *out = job->out;
  if (job->inside) {
    for (size_t i = begin; i < end; i++) out[i] = x[i] >= low && x[i] <= high ? 1.0f : 0.0f;
  } else {
    for (size_t i = begin; i < end; i++) out[i] = x[i] < low ? (float)low : x[i] > high ? (float)high : x[i];
  }
}

// clip(inside, x, out, low, high)
napi_value keel_clip(napi_env env, napi_callback_info info) {
  const char *fn = "clip";
  napi_value args[5];
  clip_job job;
  size_t x_length, out_length;
  if (!keel_args(env, info, fn, 5, args) || !keel_bool(env, args[0], fn, "inside", &job.inside) ||
      !keel_f32(env, args[1], fn, "x", (float **)&job.x, &x_length) || !keel_f32(env, args[2], fn, "out", &job.out, &out_length) ||
      !keel_num(env, args[3], fn, "low", &job.low) || !keel_num(env, args[4], fn, "high", &job.high) ||
      !keel_fits(env, fn, "out", out_length, 0, x_length)) {
    return NULL;
  }
  keel_parallel_for(x_length, KEEL_GRAIN_CHEAP, clip_range, &job);
  return keel_undefined(env);
}

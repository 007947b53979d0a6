// Broadcasting elementwise ops of two tensors (and where, of three), and strided copies
// (transpose, broadcastTo). Arithmetic on two float32 values rounds exactly as the 'js'
// reference does (it computes in double and rounds once, which gives the same float32).
#include <math.h>

#include "walk.h"

// Op codes, in the order of src/kernels/codes.ts.
enum { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, BINARY_COUNT };

typedef struct {
  int op;
  const float *a;
  const float *b;
  float *out;
} binary_job;

// One loop per stride pattern, so the common ones (same shape, scalar, bias row) vectorise.
#define LOOP(expression)                                                                                                                   \
  if (sa == 1 && sb == 1) {                                                                                                                \
    for (size_t j = 0; j < count; j++) { float x = a[j], y = b[j]; out[j] = (expression); }                                               \
  } else if (sa == 1 && sb == 0) {                                                                                                         \
    const float y = b[0];                                                                                                                  \
    for (size_t j = 0; j < count; j++) { float x = a[j]; out[j] = (expression); }                                                          \
  } else if (sa == 0 && sb == 1) {                                                                                                         \
    const float x = a[0];                                                                                                                  \
    for (size_t j = 0; j < count; j++) { float y = b[j]; out[j] = (expression); }                                                          \
  } else {                                                                                                                                 \
    for (size_t j = 0; j < count; j++) { float x = a[j * sa], y = b[j * sb]; out[j] = (expression); }                                     \
  }                                                                                                                                        \
  break

static void binary_row(void *context, size_t out_offset, size_t count, const int64_t *offsets, const int64_t *strides) {
  const binary_job *job = context;
  const float *a = job->a + offsets[0];
  const float *b = job->b + offsets[1];
  float *out = job->out + out_offset;
  const int64_t sa = strides[0], sb = strides[1];
  switch (job->op) {
    case ADD: LOOP(x + y);
    case SUB: LOOP(x - y);
    case MUL: LOOP(x * y);
    case DIV: LOOP(x / y);
    case POW: LOOP((float)pow(x, y));
    // ties and NaN in a go to a, like the reference
    case MAXIMUM: LOOP(x >= y || x != x ? x : y);
    case MINIMUM: LOOP(x <= y || x != x ? x : y);
    case EQUAL: LOOP(x == y ? 1.0f : 0.0f);
    case NOT_EQUAL: LOOP(x != y ? 1.0f : 0.0f);
    case LESS: LOOP(x < y ? 1.0f : 0.0f);
    case LESS_EQUAL: LOOP(x <= y ? 1.0f : 0.0f);
    case GREATER: LOOP(x > y ? 1.0f : 0.0f);
    case GREATER_EQUAL: LOOP(x >= y ? 1.0f : 0.0f);
  }
}

// binary(op, a, b, out, geometry)
napi_value keel_binary(napi_env env, napi_callback_info info) {
  const char *fn = "binary";
  napi_value args[5];
  int64_t op;
  binary_job job;
  size_t lengths[2], out_length;
  keel_walk walk;
  if (!keel_args(env, info, fn, 5, args) || !keel_int(env, args[0], fn, "op", 0, BINARY_COUNT - 1, &op) ||
      !keel_f32(env, args[1], fn, "a", (float **)&job.a, &lengths[0]) || !keel_f32(env, args[2], fn, "b", (float **)&job.b, &lengths[1]) ||
      !keel_f32(env, args[3], fn, "out", &job.out, &out_length) || !keel_walk_read(env, fn, args[4], 2, lengths, out_length, &walk)) {
    return NULL;
  }
  job.op = (int)op;
  keel_walk_rows(&walk, op == POW ? KEEL_GRAIN_COSTLY : KEEL_GRAIN_CHEAP, binary_row, &job);
  return keel_undefined(env);
}

typedef struct {
  const float *condition, *a, *b;
  float *out;
} where_job;

static void where_row(void *context, size_t out_offset, size_t count, const int64_t *offsets, const int64_t *strides) {
  const where_job *job = context;
  const float *c = job->condition + offsets[0], *a = job->a + offsets[1], *b = job->b + offsets[2];
  float *out = job->out + out_offset;
  for (size_t j = 0; j < count; j++) out[j] = c[j * strides[0]] != 0 ? a[j * strides[1]] : b[j * strides[2]];
}

// where(condition, a, b, out, geometry)
napi_value keel_where(napi_env env, napi_callback_info info) {
  const char *fn = "where";
  napi_value args[5];
  where_job job;
  size_t lengths[3], out_length;
  keel_walk walk;
  if (!keel_args(env, info, fn, 5, args) || !keel_f32(env, args[0], fn, "condition", (float **)&job.condition, &lengths[0]) ||
      !keel_f32(env, args[1], fn, "a", (float **)&job.a, &lengths[1]) || !keel_f32(env, args[2], fn, "b", (float **)&job.b, &lengths[2]) ||
      !keel_f32(env, args[3], fn, "out", &job.out, &out_length) || !keel_walk_read(env, fn, args[4], 3, lengths, out_length, &walk)) {
    return NULL;
  }
  keel_walk_rows(&walk, KEEL_GRAIN_CHEAP, where_row, &job);
  return keel_undefined(env);
}

typedef struct {
  const float *x;
  float *out;
} copy_job;

static void copy_row(void *context, size_t out_offset, size_t count, const int64_t *offsets, const int64_t *strides) {
  const copy_job *job = context;
  const float *x = job->x + offsets[0];
  float *out = job->out + out_offset;
  const int64_t s = strides[0];
  if (s == 1) {
    for (size_t j = 0; j < count; j++) out[j] = x[j];
  } else if (s == 0) {
    for (size_t j = 0; j < count; j++) out[j] = x[0];
  } else {
    for (size_t j = 0; j < count; j++) out[j] = x[j * s];
  }
}

// stridedCopy(x, out, geometry): permutations (transpose) and broadcasts (broadcastTo)
napi_value keel_strided_copy(napi_env env, napi_callback_info info) {
  const char *fn = "stridedCopy";
  napi_value args[3];
  copy_job job;
  size_t length, out_length;
  keel_walk walk;
  if (!keel_args(env, info, fn, 3, args) || !keel_f32(env, args[0], fn, "x", (float **)&job.x, &length) ||
      !keel_f32(env, args[1], fn, "out", &job.out, &out_length) || !keel_walk_read(env, fn, args[2], 1, &length, out_length, &walk)) {
    return NULL;
  }
  keel_walk_rows(&walk, KEEL_GRAIN_CHEAP, copy_row, &job);
  return keel_undefined(env);
}

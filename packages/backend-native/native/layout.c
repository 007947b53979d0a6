// Index-driven layout ops: oneHot, gather and its backward (a scatter-add). Indices come as float
// values; each must be a whole number in range, or the call throws a RangeError.
#include <stdio.h>
#include <string.h>

#include "keel.h"

static int check_indices(napi_env env, const char *fn, const float *indices, size_t count, size_t limit) {
  for (size_t i = 0; i < count; i++) {
    float v = indices[i];
    if (!(v >= 0 && v < (float)limit && v == (float)(size_t)v)) {
      char message[128];
      snprintf(message, sizeof message, "index %g at position %zu is not a whole number in 0..%zu", v, i, limit - 1);
      return keel_range_error(env, fn, message);
    }
  }
  return 1;
}

// oneHot(indices, out, depth)
napi_value keel_one_hot(napi_env env, napi_callback_info info) {
  const char *fn = "oneHot";
  napi_value args[3];
  float *indices, *out;
  size_t count, out_length, size;
  int64_t depth;
  if (!keel_args(env, info, fn, 3, args) || !keel_f32(env, args[0], fn, "indices", &indices, &count) ||
      !keel_f32(env, args[1], fn, "out", &out, &out_length) || !keel_int(env, args[2], fn, "depth", 1, 1LL << 31, &depth)) {
    return NULL;
  }
  const int64_t sizes[2] = {(int64_t)count, depth};
  if (!keel_product(env, fn, sizes, 2, &size) || !keel_fits(env, fn, "out", out_length, 0, size) ||
      !check_indices(env, fn, indices, count, (size_t)depth)) {
    return NULL;
  }
  memset(out, 0, size * sizeof(float));
  for (size_t i = 0; i < count; i++) out[i * (size_t)depth + (size_t)indices[i]] = 1.0f;
  return keel_undefined(env);
}

typedef struct {
  float *x, *indices, *out;
  size_t count, outer, dim, inner;
} gather_args;

// (x, indices, out, outer, dim, inner): x is [outer, dim, inner], out [outer, count, inner]
static int read_gather(napi_env env, napi_callback_info info, const char *fn, int backward, gather_args *g) {
  napi_value args[6];
  size_t x_length, out_length, x_size, out_size;
  int64_t sizes[3];
  const int64_t max = 1LL << 52;
  // forward reads x [outer, dim, inner] and writes [outer, count, inner]; backward the reverse
  if (!keel_args(env, info, fn, 6, args) || !keel_f32(env, args[0], fn, backward ? "dy" : "x", &g->x, &x_length) ||
      !keel_f32(env, args[1], fn, "indices", &g->indices, &g->count) || !keel_f32(env, args[2], fn, "out", &g->out, &out_length) ||
      !keel_int(env, args[3], fn, "outer", 0, max, &sizes[0]) || !keel_int(env, args[4], fn, "dim", 0, max, &sizes[1]) ||
      !keel_int(env, args[5], fn, "inner", 0, max, &sizes[2])) {
    return 0;
  }
  const int64_t picked[3] = {sizes[0], (int64_t)g->count, sizes[2]};
  if (!keel_product(env, fn, sizes, 3, backward ? &out_size : &x_size) || !keel_product(env, fn, picked, 3, backward ? &x_size : &out_size) ||
      !keel_fits(env, fn, backward ? "dy" : "x", x_length, 0, x_size) || !keel_fits(env, fn, "out", out_length, 0, out_size) ||
      !check_indices(env, fn, g->indices, g->count, (size_t)sizes[1])) {
    return 0;
  }
  g->outer = (size_t)sizes[0];
  g->dim = (size_t)sizes[1];
  g->inner = (size_t)sizes[2];
  return 1;
}

/** Rows [begin, end) of the flattened [outer, count] picks, each a memcpy of `inner` values. */
static void gather_range(void *context, size_t begin, size_t end) {
  const gather_args *g = context;
  for (size_t r = begin; r < end; r++) {
    size_t o = r / g->count, k = r % g->count;
    const float *source = g->x + (o * g->dim + (size_t)g->indices[k]) * g->inner;
    memcpy(g->out + r * g->inner, source, g->inner * sizeof(float));
  }
}

// gather(x, indices, out, outer, dim, inner)
napi_value keel_gather(napi_env env, napi_callback_info info) {
  gather_args g;
  if (!read_gather(env, info, "gather", 0, &g)) return NULL;
  size_t rows = g.outer * g.count;
  keel_parallel_for(rows, KEEL_GRAIN_CHEAP / (g.inner + 1) + 1, gather_range, &g);
  return keel_undefined(env);
}

// gatherGrad(dy, indices, out, outer, dim, inner): adds each row of dy back where gather read it,
// serially (rows picked twice add up in a fixed order)
napi_value keel_gather_grad(napi_env env, napi_callback_info info) {
  gather_args g;
  if (!read_gather(env, info, "gatherGrad", 1, &g)) return NULL;
  memset(g.out, 0, g.outer * g.dim * g.inner * sizeof(float));
  for (size_t o = 0; o < g.outer; o++) {
    for (size_t k = 0; k < g.count; k++) {
      float *target = g.out + (o * g.dim + (size_t)g.indices[k]) * g.inner;
      const float *source = g.x + (o * g.count + k) * g.inner;
      for (size_t j = 0; j < g.inner; j++) target[j] += source[j];
    }
  }
  return keel_undefined(env);
}

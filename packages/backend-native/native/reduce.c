// Reductions over [outer, reduced, inner] blocks (the reduced axes are contiguous; JavaScript
// permutes other cases first). Sums and products accumulate in double, in the reference's order.
#include <math.h>
#include <stdlib.h>

#include "keel.h"

enum { SUM, PROD, MAX, MIN, REDUCE_COUNT };

typedef struct {
  int kind;
  const float *x;
  float *out;
  size_t outer, reduced, inner;
} reduce_job;

/** Reduces output elements [i0, i1) of block o. */
static void reduce_segment(const reduce_job *job, size_t o, size_t i0, size_t i1, double *acc) {
  const size_t inner = job->inner, n = i1 - i0;
  const float *block = job->x + o * job->reduced * inner + i0;
  float *out = job->out + o * inner + i0;
  if (job->kind == SUM || job->kind == PROD) {
    const double start = job->kind == SUM ? 0.0 : 1.0;
    for (size_t i = 0; i < n; i++) acc[i] = start;
    for (size_t r = 0; r < job->reduced; r++) {
      const float *row = block + r * inner;
      if (job->kind == SUM) {
        for (size_t i = 0; i < n; i++) acc[i] += row[i];
      } else {
        for (size_t i = 0; i < n; i++) acc[i] *= row[i];
      }
    }
    for (size_t i = 0; i < n; i++) out[i] = (float)acc[i];
    return;
  }
  const int max = job->kind == MAX;
  if (job->reduced == 0) {
    for (size_t i = 0; i < n; i++) out[i] = max ? -INFINITY : INFINITY;
    return;
  }
  for (size_t i = 0; i < n; i++) out[i] = block[i];
  // once a NaN is seen it stays: v > NaN is false, and a NaN v replaces anything
  for (size_t r = 1; r < job->reduced; r++) {
    const float *row = block + r * inner;
    if (max) {
      for (size_t i = 0; i < n; i++) out[i] = row[i] > out[i] || row[i] != row[i] ? row[i] : out[i];
    } else {
      for (size_t i = 0; i < n; i++) out[i] = row[i] < out[i] || row[i] != row[i] ? row[i] : out[i];
    }
  }
}

#define SEGMENT 1024

static void reduce_range(void *context, size_t begin, size_t end) {
  const reduce_job *job = context;
  double acc[SEGMENT];
  // output elements [begin, end) of the [outer, inner] result, in segments within one block
  for (size_t e = begin; e < end;) {
    size_t o = e / job->inner, i0 = e % job->inner;
    size_t i1 = job->inner;
    if (i1 - i0 > SEGMENT) i1 = i0 + SEGMENT;
    if (i1 - i0 > end - e) i1 = i0 + (end - e);
    reduce_segment(job, o, i0, i1, acc);
    e += i1 - i0;
  }
}

static int read_blocks(napi_env env, napi_callback_info info, const char *fn, int64_t *kind, const float **x, float **out, size_t *outer,
                       size_t *reduced, size_t *inner) {
  napi_value args[6];
  size_t x_length, out_length;
  int64_t sizes[3];
  const int64_t max = 1LL << 52;
  if (!keel_args(env, info, fn, 6, args) || !keel_int(env, args[0], fn, "kind", 0, REDUCE_COUNT - 1, kind) ||
      !keel_f32(env, args[1], fn, "x", (float **)x, &x_length) || !keel_f32(env, args[2], fn, "out", out, &out_length) ||
      !keel_int(env, args[3], fn, "outer", 0, max, &sizes[0]) || !keel_int(env, args[4], fn, "reduced", 0, max, &sizes[1]) ||
      !keel_int(env, args[5], fn, "inner", 0, max, &sizes[2])) {
    return 0;
  }
  const int64_t kept[2] = {sizes[0], sizes[2]};
  size_t x_size, out_size;
  if (!keel_product(env, fn, sizes, 3, &x_size) || !keel_product(env, fn, kept, 2, &out_size) ||
      !keel_fits(env, fn, "x", x_length, 0, x_size) || !keel_fits(env, fn, "out", out_length, 0, out_size)) {
    return 0;
  }
  *outer = (size_t)sizes[0];
  *reduced = (size_t)sizes[1];
  *inner = (size_t)sizes[2];
  return 1;
}

// reduce(kind, x, out, outer, reduced, inner)
napi_value keel_reduce(napi_env env, napi_callback_info info) {
  reduce_job job;
  int64_t kind;
  if (!read_blocks(env, info, "reduce", &kind, &job.x, &job.out, &job.outer, &job.reduced, &job.inner)) return NULL;
  job.kind = (int)kind;
  size_t outputs = job.outer * job.inner;
  if (outputs == 0) return keel_undefined(env);
  // each output costs `reduced` reads: split so that a thread gets enough of them
  size_t grain = KEEL_GRAIN_CHEAP / (job.reduced > 0 ? job.reduced : 1);
  keel_parallel_for(outputs, grain > 0 ? grain : 1, reduce_range, &job);
  return keel_undefined(env);
}

static void arg_range(void *context, size_t begin, size_t end) {
  const reduce_job *job = context;
  const int max = job->kind == MAX;
  for (size_t e = begin; e < end; e++) {
    size_t o = e / job->inner, i = e % job->inner;
    const float *start = job->x + o * job->reduced * job->inner + i;
    float best = start[0];
    size_t best_index = 0;
    // ties go to the first; NaN is never better (as in the reference)
    for (size_t r = 1; r < job->reduced; r++) {
      float v = start[r * job->inner];
      if (max ? v > best : v < best) {
        best = v;
        best_index = r;
      }
    }
    job->out[e] = (float)best_index;
  }
}

// argReduce(kind, x, out, outer, reduced, inner): kind MAX or MIN
napi_value keel_arg_reduce(napi_env env, napi_callback_info info) {
  reduce_job job;
  int64_t kind;
  if (!read_blocks(env, info, "argReduce", &kind, &job.x, &job.out, &job.outer, &job.reduced, &job.inner)) return NULL;
  if (kind != MAX && kind != MIN) {
    keel_range_error(env, "argReduce", "kind must be max or min");
    return NULL;
  }
  job.kind = (int)kind;
  size_t outputs = job.outer * job.inner;
  if (outputs == 0) return keel_undefined(env);
  if (job.reduced == 0) { // an empty axis: index 0, as the reference gives
    for (size_t i = 0; i < outputs; i++) job.out[i] = 0.0f;
    return keel_undefined(env);
  }
  size_t grain = KEEL_GRAIN_CHEAP / job.reduced;
  keel_parallel_for(outputs, grain > 0 ? grain : 1, arg_range, &job);
  return keel_undefined(env);
}

#include <stdio.h>

#include "walk.h"

int keel_walk_read(napi_env env, const char *fn, napi_value geometry, int inputs, const size_t *lengths, size_t out_length, keel_walk *walk) {
  int32_t *g;
  size_t length;
  if (!keel_i32s(env, geometry, fn, "geometry", &g, &length)) return 0;
  // the array may be longer than the walk (JavaScript reuses one scratch array)
  if (length < 1 || g[0] < 1 || g[0] > KEEL_MAX_RANK || length < (size_t)(1 + g[0] * (1 + inputs))) {
    return keel_range_error(env, fn, "geometry must be [rank, shape..., strides per input...] with 1 <= rank <= 16");
  }
  walk->rank = g[0];
  walk->inputs = inputs;
  walk->size = 1;
  for (int d = 0; d < walk->rank; d++) {
    if (g[1 + d] < 1) return keel_range_error(env, fn, "geometry: dimensions must be positive (skip empty outputs)");
    walk->shape[d] = g[1 + d];
    if (__builtin_mul_overflow(walk->size, (size_t)g[1 + d], &walk->size)) return keel_range_error(env, fn, "geometry: sizes overflow");
  }
  if (walk->size > out_length) return keel_range_error(env, fn, "out is smaller than the geometry's shape");
  for (int i = 0; i < inputs; i++) {
    size_t last = 0; // the largest index the walk reads
    for (int d = 0; d < walk->rank; d++) {
      int32_t stride = g[1 + walk->rank * (1 + i) + d];
      if (stride < 0) return keel_range_error(env, fn, "geometry: strides must be non-negative");
      walk->strides[i][d] = stride;
      size_t reach;
      if (__builtin_mul_overflow((size_t)stride, (size_t)(walk->shape[d] - 1), &reach) || __builtin_add_overflow(last, reach, &last)) {
        return keel_range_error(env, fn, "geometry: strides overflow");
      }
    }
    if (last >= lengths[i]) {
      char message[96];
      snprintf(message, sizeof message, "geometry reads index %zu of input %d, which has %zu values", last, i, lengths[i]);
      return keel_range_error(env, fn, message);
    }
  }
  return 1;
}

typedef struct {
  const keel_walk *walk;
  keel_row_fn fn;
  void *context;
} rows_job;

static void rows_range(void *context, size_t begin, size_t end) {
  const rows_job *job = context;
  const keel_walk *w = job->walk;
  const int r = w->rank;
  const size_t inner = (size_t)w->shape[r - 1];
  int64_t index[KEEL_MAX_RANK] = {0};
  int64_t offsets[KEEL_MAX_INPUTS] = {0};
  int64_t inner_strides[KEEL_MAX_INPUTS];
  int64_t at[KEEL_MAX_INPUTS];
  for (int i = 0; i < w->inputs; i++) inner_strides[i] = w->strides[i][r - 1];
  // the multi-index of the row holding element `begin`, over the outer dimensions
  size_t rest = begin / inner;
  for (int d = r - 2; d >= 0; d--) {
    index[d] = (int64_t)(rest % (size_t)w->shape[d]);
    rest /= (size_t)w->shape[d];
    for (int i = 0; i < w->inputs; i++) offsets[i] += index[d] * w->strides[i][d];
  }
  // a range may start and end inside a row: ranges split elements, not rows
  size_t column = begin % inner;
  for (size_t e = begin; e < end;) {
    size_t count = inner - column;
    if (count > end - e) count = end - e;
    for (int i = 0; i < w->inputs; i++) at[i] = offsets[i] + (int64_t)column * inner_strides[i];
    job->fn(job->context, e, count, at, inner_strides);
    e += count;
    column = 0;
    for (int d = r - 2; d >= 0; d--) {
      index[d]++;
      for (int i = 0; i < w->inputs; i++) offsets[i] += w->strides[i][d];
      if (index[d] < w->shape[d]) break;
      for (int i = 0; i < w->inputs; i++) offsets[i] -= w->strides[i][d] * w->shape[d];
      index[d] = 0;
    }
  }
}

void keel_walk_rows(const keel_walk *walk, size_t grain, keel_row_fn fn, void *context) {
  rows_job job = {walk, fn, context};
  keel_parallel_for(walk->size, grain, rows_range, &job);
}

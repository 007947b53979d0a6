// softmax and logSoftmax along one axis of [outer, dim, inner] blocks, max-subtracted so exp never
// overflows, in double precision like the reference.
#include <math.h>

#include "keel.h"

typedef struct {
  int log;
  const float *x;
  float *out;
  size_t outer, dim, inner;
} softmax_job;

static void softmax_range(void *context, size_t begin, size_t end) {
  const softmax_job *job = context;
  const size_t dim = job->dim, inner = job->inner;
  for (size_t e = begin; e < end; e++) {
    size_t o = e / inner, i = e % inner;
    const float *x = job->x + o * dim * inner + i;
    float *out = job->out + o * dim * inner + i;
    double max = -INFINITY;
    for (size_t r = 0; r < dim; r++) {
      double v = x[r * inner];
      if (v > max || v != v) max = v;
    }
    double sum = 0;
    for (size_t r = 0; r < dim; r++) sum += exp(x[r * inner] - max);
    if (job->log) {
      double log_sum = log(sum) + max;
      for (size_t r = 0; r < dim; r++) out[r * inner] = (float)(x[r * inner] - log_sum);
    } else {
      double scale = 1 / sum;
      for (size_t r = 0; r < dim; r++) out[r * inner] = (float)(exp(x[r * inner] - max) * scale);
    }
  }
}

// softmax(log, x, out, outer, dim, inner)
napi_value keel_softmax(napi_env env, napi_callback_info info) {
  const char *fn = "softmax";
  napi_value args[6];
  softmax_job job;
  size_t x_length, out_length;
  int64_t sizes[3];
  size_t size;
  const int64_t max = 1LL << 52;
  if (!keel_args(env, info, fn, 6, args) || !keel_bool(env, args[0], fn, "log", &job.log) ||
      !keel_f32(env, args[1], fn, "x", (float **)&job.x, &x_length) || !keel_f32(env, args[2], fn, "out", &job.out, &out_length) ||
      !keel_int(env, args[3], fn, "outer", 0, max, &sizes[0]) || !keel_int(env, args[4], fn, "dim", 0, max, &sizes[1]) ||
      !keel_int(env, args[5], fn, "inner", 0, max, &sizes[2]) || !keel_product(env, fn, sizes, 3, &size) ||
      !keel_fits(env, fn, "x", x_length, 0, size) || !keel_fits(env, fn, "out", out_length, 0, size)) {
    return NULL;
  }
  job.outer = (size_t)sizes[0];
  job.dim = (size_t)sizes[1];
  job.inner = (size_t)sizes[2];
  size_t rows = job.outer * job.inner;
  if (rows == 0 || job.dim == 0) return keel_undefined(env);
  size_t grain = KEEL_GRAIN_COSTLY / job.dim;
  keel_parallel_for(rows, grain > 0 ? grain : 1, softmax_range, &job);
  return keel_undefined(env);
}

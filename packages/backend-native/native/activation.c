// The fused activations of a dense layer: act(z + bias) in one pass, and its backward from the
// activation's output y. Results match the 'js' reference: the sum is rounded to float32 before
// the activation reads it, sigmoid and tanh run in double and round once, and the gradients
// compute in double (as JavaScript does) and round once. NaN stays NaN through relu.
#include <math.h>

#include "keel.h"

// Activation codes, in the order of src/kernels/codes.ts.
enum { LINEAR, RELU, SIGMOID, TANH, ACTIVATION_COUNT };

typedef struct {
  int activation;
  const float *z;
  const float *bias; // NULL: no bias
  float *out;
  size_t units; // the bias's length: z is [rows, units]
} bias_job;

// relu keeps NaN (a diverged value must not silently become 0) and turns -0 into +0, as js does
static inline float relu(float v) { return v > 0 || v != v ? v : 0.0f; }

// One loop per activation, each one pass over the row, so relu and linear vectorise. `sum` is a
// float expression: the float32 sum is what js stores before its activation reads it (its double
// sum of two floats rounds to the same float).
#define ACTIVATE(sum)                                                                                                                      \
  switch (activation) {                                                                                                                    \
    case RELU: for (size_t j = 0; j < n; j++) out[j] = relu(sum); break;                                                                   \
    case SIGMOID: for (size_t j = 0; j < n; j++) out[j] = (float)keel_sigmoid(sum); break;                                                 \
    case TANH: for (size_t j = 0; j < n; j++) out[j] = (float)tanh(sum); break;                                                            \
    default: for (size_t j = 0; j < n; j++) out[j] = (sum);                                                                                \
  }

/** act(z + bias) over n contiguous elements, the bias read in step (NULL: act(z)). */
static void bias_segment(int activation, const float *z, const float *bias, float *out, size_t n) {
  if (bias != NULL) {
    ACTIVATE(z[j] + bias[j]);
  } else {
    ACTIVATE(z[j]); // not z + 0: that would turn −0 into +0
  }
}

static void bias_range(void *context, size_t begin, size_t end) {
  const bias_job *job = context;
  if (job->bias == NULL) {
    bias_segment(job->activation, job->z + begin, NULL, job->out + begin, end - begin);
    return;
  }
  // a range may start and end mid-row: walk it in pieces that stay within one row
  for (size_t i = begin; i < end;) {
    size_t j = i % job->units, n = job->units - j;
    if (n > end - i) n = end - i;
    bias_segment(job->activation, job->z + i, job->bias + j, job->out + i, n);
    i += n;
  }
}

static size_t grain_of(int activation) { return activation == SIGMOID || activation == TANH ? KEEL_GRAIN_COSTLY : KEEL_GRAIN_CHEAP; }

// biasActivation(activation, z, bias, out): bias is a Float32Array of the last axis's length, or null
napi_value keel_bias_activation(napi_env env, napi_callback_info info) {
  const char *fn = "biasActivation";
  napi_value args[4];
  napi_valuetype bias_type;
  int64_t activation;
  bias_job job = {0};
  size_t z_length, out_length;
  if (!keel_args(env, info, fn, 4, args) || !keel_int(env, args[0], fn, "activation", 0, ACTIVATION_COUNT - 1, &activation) ||
      !keel_f32(env, args[1], fn, "z", (float **)&job.z, &z_length) || napi_typeof(env, args[2], &bias_type) != napi_ok ||
      (bias_type != napi_null && !keel_f32(env, args[2], fn, "bias", (float **)&job.bias, &job.units)) ||
      !keel_f32(env, args[3], fn, "out", &job.out, &out_length) || !keel_fits(env, fn, "out", out_length, 0, z_length)) {
    return NULL;
  }
  if (job.bias != NULL && (job.units == 0 ? z_length != 0 : z_length % job.units != 0)) {
    keel_range_error(env, fn, "z's length is not a whole number of bias rows");
    return NULL;
  }
  job.activation = (int)activation;
  keel_parallel_for(z_length, grain_of(job.activation), bias_range, &job);
  return keel_undefined(env);
}

typedef struct {
  int activation;
  const float *y, *dy;
  float *out;
} grad_job;

static void grad_range(void *context, size_t begin, size_t end) {
  const grad_job *job = context;
  const float *y = job->y, *dy = job->dy;
  float *out = job->out;
  // in double like the reference: 1 − y and 1 − y² must not round to float32 on their own
  switch (job->activation) {
    case RELU:
      // both loads unconditional, so the compiler selects instead of branching: on a mix of signs
      // a branch mispredicts half the time (measured 17x slower on a 128x512 batch)
      for (size_t i = begin; i < end; i++) {
        float yi = y[i], gi = dy[i];
        float passed = yi > 0 ? gi : 0.0f;
        out[i] = yi != yi ? yi : passed;
      }
      break;
    case SIGMOID:
      for (size_t i = begin; i < end; i++) out[i] = (float)((double)dy[i] * ((double)y[i] * (1.0 - (double)y[i])));
      break;
    case TANH:
      for (size_t i = begin; i < end; i++) out[i] = (float)((double)dy[i] * (1.0 - (double)y[i] * (double)y[i]));
      break;
    default:
      for (size_t i = begin; i < end; i++) out[i] = dy[i];
  }
}

// activationGrad(activation, y, dy, out): dy · act'(z), written with y = act(z)
napi_value keel_activation_grad(napi_env env, napi_callback_info info) {
  const char *fn = "activationGrad";
  napi_value args[4];
  int64_t activation;
  grad_job job;
  size_t y_length, dy_length, out_length;
  if (!keel_args(env, info, fn, 4, args) || !keel_int(env, args[0], fn, "activation", 0, ACTIVATION_COUNT - 1, &activation) ||
      !keel_f32(env, args[1], fn, "y", (float **)&job.y, &y_length) || !keel_f32(env, args[2], fn, "dy", (float **)&job.dy, &dy_length) ||
      !keel_f32(env, args[3], fn, "out", &job.out, &out_length) || !keel_fits(env, fn, "dy", dy_length, 0, y_length) ||
      !keel_fits(env, fn, "out", out_length, 0, y_length)) {
    return NULL;
  }
  job.activation = (int)activation;
  keel_parallel_for(y_length, KEEL_GRAIN_CHEAP, grad_range, &job);
  return keel_undefined(env);
}

// Softmax cross-entropy of logits [rows, classes] against integer labels [rows] (sparse) or
// targets [rows, classes], and its gradient, one row at a time. Like the 'js' reference, each
// row's log-sum-exp subtracts the row's max and sums in double, so any finite row gives a finite
// loss, and every result is computed in double and rounded to float32 once.
#include <math.h>

#include "keel.h"

typedef struct {
  int sparse;
  const float *x;
  const float *labels; // [rows] (sparse) or targets [rows, classes]
  const float *dy;     // [rows]; the gradient only
  float *out;
  size_t classes;
} entropy_job;

/** log Σ exp(row), as max + log Σ exp(row − max); NaN anywhere in the row gives NaN. */
static double row_log_sum_exp(const float *row, size_t classes) {
  double max = -INFINITY;
  for (size_t c = 0; c < classes; c++) {
    if (row[c] > max || row[c] != row[c]) max = row[c];
  }
  double sum = 0;
  for (size_t c = 0; c < classes; c++) sum += exp(row[c] - max);
  return max + log(sum);
}

// a label must be a whole number naming a class: anything else gives a NaN loss, never a silent 0
static int valid_label(float label, size_t classes) { return label >= 0 && label < (double)classes && label == floorf(label); }

/** −Σ t·(x − lse) over a row, skipping zero targets (their x − lse may be −∞). */
static double row_dense_loss(const float *x, const float *t, size_t classes, double lse) {
  double loss = 0;
  for (size_t c = 0; c < classes; c++) {
    if (t[c] != 0) loss -= t[c] * (x[c] - lse);
  }
  return loss;
}

static void loss_range(void *context, size_t begin, size_t end) {
  const entropy_job *job = context;
  const size_t classes = job->classes;
  for (size_t r = begin; r < end; r++) {
    const float *x = job->x + r * classes;
    if (job->sparse) {
      float label = job->labels[r];
      job->out[r] = valid_label(label, classes) ? (float)(row_log_sum_exp(x, classes) - x[(size_t)label]) : NAN;
    } else {
      job->out[r] = (float)row_dense_loss(x, job->labels + r * classes, classes, row_log_sum_exp(x, classes));
    }
  }
}

static void grad_range(void *context, size_t begin, size_t end) {
  const entropy_job *job = context;
  const size_t classes = job->classes;
  for (size_t r = begin; r < end; r++) {
    const float *x = job->x + r * classes;
    float *out = job->out + r * classes;
    const double lse = row_log_sum_exp(x, classes), d = job->dy[r];
    if (job->sparse) {
      // dy · (softmax − onehot); an invalid label has no one-hot entry, as in the reference
      const double label = job->labels[r];
      for (size_t c = 0; c < classes; c++) out[c] = (float)(d * (exp(x[c] - lse) - ((double)c == label ? 1.0 : 0.0)));
    } else {
      // dy · (softmax · Σt − t): targets need not sum to 1
      const float *t = job->labels + r * classes;
      double mass = 0;
      for (size_t c = 0; c < classes; c++) mass += t[c];
      for (size_t c = 0; c < classes; c++) out[c] = (float)(d * (exp(x[c] - lse) * mass - t[c]));
    }
  }
}

/** Reads (sparse, logits, labels, [dy,] out, rows, classes) and checks every array's size. */
static int read_entropy(napi_env env, napi_callback_info info, const char *fn, int grad, entropy_job *job, size_t *rows) {
  napi_value args[7];
  const size_t count = grad ? 7 : 6;
  size_t x_length, labels_length, dy_length = 0, out_length, size;
  int64_t sizes[2];
  const int64_t max = 1LL << 52;
  napi_value *rest = args + (grad ? 4 : 3); // out, rows, classes
  if (!keel_args(env, info, fn, count, args) || !keel_bool(env, args[0], fn, "sparse", &job->sparse) ||
      !keel_f32(env, args[1], fn, "logits", (float **)&job->x, &x_length) ||
      !keel_f32(env, args[2], fn, job->sparse ? "labels" : "targets", (float **)&job->labels, &labels_length) ||
      (grad && !keel_f32(env, args[3], fn, "dy", (float **)&job->dy, &dy_length)) || !keel_f32(env, rest[0], fn, "out", &job->out, &out_length) ||
      !keel_int(env, rest[1], fn, "rows", 0, max, &sizes[0]) || !keel_int(env, rest[2], fn, "classes", 0, max, &sizes[1]) ||
      !keel_product(env, fn, sizes, 2, &size) || !keel_fits(env, fn, "logits", x_length, 0, size)) {
    return 0;
  }
  *rows = (size_t)sizes[0];
  job->classes = (size_t)sizes[1];
  if (!keel_fits(env, fn, job->sparse ? "labels" : "targets", labels_length, 0, job->sparse ? *rows : size) ||
      (grad && !keel_fits(env, fn, "dy", dy_length, 0, *rows)) || !keel_fits(env, fn, "out", out_length, 0, grad ? size : *rows)) {
    return 0;
  }
  return 1;
}

/** Rows per thread: a row costs about 2·classes exps (3· for the gradient). */
static size_t row_grain(size_t classes) {
  size_t grain = KEEL_GRAIN_COSTLY / (classes > 0 ? classes : 1);
  return grain > 0 ? grain : 1;
}

// crossEntropy(sparse, logits, labels, out, rows, classes): the per-row loss [rows]
napi_value keel_cross_entropy(napi_env env, napi_callback_info info) {
  entropy_job job = {0};
  size_t rows;
  if (!read_entropy(env, info, "crossEntropy", 0, &job, &rows)) return NULL;
  keel_parallel_for(rows, row_grain(job.classes), loss_range, &job);
  return keel_undefined(env);
}

// crossEntropyGrad(sparse, logits, labels, dy, out, rows, classes): dlogits [rows, classes]
napi_value keel_cross_entropy_grad(napi_env env, napi_callback_info info) {
  entropy_job job = {0};
  size_t rows;
  if (!read_entropy(env, info, "crossEntropyGrad", 1, &job, &rows)) return NULL;
  keel_parallel_for(rows, row_grain(job.classes), grad_range, &job);
  return keel_undefined(env);
}

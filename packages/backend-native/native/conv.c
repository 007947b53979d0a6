// Window ops over NHWC images: im2col and its adjoint col2im (a convolution is im2col + sgemm),
// max and average pooling and their gradients, in the reference's order of accumulation.
// Scatters (col2im, the pooling gradients) split by image: windows of one image overlap, images
// do not, so each element is still summed by one thread in the serial order.
#include <math.h>
#include <string.h>

#include "keel.h"

typedef struct {
  int64_t batch, height, width, channels, kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left, out_h, out_w;
} window;

typedef struct {
  window g;
  const float *in; // the image (im2col, pooling) or the patches / output gradient (scatters)
  const float *x;  // maxPoolGrad: the pooled input
  float *out;
} window_job;

// geometry: [batch, height, width, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW]
static int read_window(napi_env env, const char *fn, napi_value value, window *g) {
  int32_t *v;
  size_t length;
  if (!keel_i32s(env, value, fn, "geometry", &v, &length)) return 0;
  if (length != 12) return keel_range_error(env, fn, "geometry must have 12 entries");
  int64_t *fields[12] = {&g->batch, &g->height, &g->width, &g->channels, &g->kernel_h, &g->kernel_w,
                         &g->stride_h, &g->stride_w, &g->pad_top, &g->pad_left, &g->out_h, &g->out_w};
  for (int i = 0; i < 12; i++) {
    if (v[i] < 0 || ((i == 4 || i == 5 || i == 6 || i == 7) && v[i] == 0)) return keel_range_error(env, fn, "geometry: sizes must be non-negative, kernel and strides positive");
    *fields[i] = v[i];
  }
  return 1;
}

static size_t patch_size(const window *g) { return (size_t)(g->kernel_h * g->kernel_w * g->channels); }
static size_t patch_rows(const window *g) { return (size_t)(g->batch * g->out_h * g->out_w); }

static void im2col_range(void *context, size_t begin, size_t end) {
  const window_job *job = context;
  const window *g = &job->g;
  const size_t patch = patch_size(g), c = (size_t)g->channels;
  for (size_t row = begin; row < end; row++) {
    int64_t n = (int64_t)row / (g->out_h * g->out_w), oy = ((int64_t)row / g->out_w) % g->out_h, ox = (int64_t)row % g->out_w;
    float *target = job->out + row * patch;
    for (int64_t ky = 0; ky < g->kernel_h; ky++) {
      int64_t y = oy * g->stride_h + ky - g->pad_top;
      for (int64_t kx = 0; kx < g->kernel_w; kx++, target += c) {
        int64_t x = ox * g->stride_w + kx - g->pad_left;
        if (y < 0 || y >= g->height || x < 0 || x >= g->width) memset(target, 0, c * sizeof(float)); // out of the image
        else memcpy(target, job->in + ((n * g->height + y) * g->width + x) * (int64_t)c, c * sizeof(float));
      }
    }
  }
}

/** col2im for the images [begin, end): adds each patch row back onto its image. */
static void col2im_range(void *context, size_t begin, size_t end) {
  const window_job *job = context;
  const window *g = &job->g;
  const size_t patch = patch_size(g), c = (size_t)g->channels, pixels = (size_t)(g->height * g->width) * c;
  memset(job->out + begin * pixels, 0, (end - begin) * pixels * sizeof(float));
  for (int64_t n = (int64_t)begin; n < (int64_t)end; n++) {
    for (int64_t oy = 0; oy < g->out_h; oy++) {
      for (int64_t ox = 0; ox < g->out_w; ox++) {
        const float *source = job->in + (size_t)((n * g->out_h + oy) * g->out_w + ox) * patch;
        for (int64_t ky = 0; ky < g->kernel_h; ky++) {
          int64_t y = oy * g->stride_h + ky - g->pad_top;
          for (int64_t kx = 0; kx < g->kernel_w; kx++, source += c) {
            int64_t x = ox * g->stride_w + kx - g->pad_left;
            if (y < 0 || y >= g->height || x < 0 || x >= g->width) continue;
            float *target = job->out + ((n * g->height + y) * g->width + x) * (int64_t)c;
            for (size_t i = 0; i < c; i++) target[i] += source[i];
          }
        }
      }
    }
  }
}

/** The in-image taps of the window of pooled element `o` (indices into the image); returns their count. */
static int taps_of(const window *g, size_t o, int64_t *taps) {
  int64_t c = (int64_t)(o % (size_t)g->channels), rest = (int64_t)(o / (size_t)g->channels);
  int64_t ox = rest % g->out_w, oy = (rest / g->out_w) % g->out_h, n = rest / (g->out_w * g->out_h);
  int count = 0;
  for (int64_t ky = 0; ky < g->kernel_h; ky++) {
    int64_t y = oy * g->stride_h + ky - g->pad_top;
    if (y < 0 || y >= g->height) continue;
    for (int64_t kx = 0; kx < g->kernel_w; kx++) {
      int64_t x = ox * g->stride_w + kx - g->pad_left;
      if (x < 0 || x >= g->width) continue;
      taps[count++] = ((n * g->height + y) * g->width + x) * g->channels + c;
    }
  }
  return count;
}

#define MAX_TAPS 4096

static void max_pool_range(void *context, size_t begin, size_t end) {
  const window_job *job = context;
  int64_t taps[MAX_TAPS];
  for (size_t o = begin; o < end; o++) {
    int count = taps_of(&job->g, o, taps);
    float best = -INFINITY;
    for (int t = 0; t < count; t++) {
      float v = job->in[taps[t]];
      if (v > best || v != v) best = v;
    }
    job->out[o] = best;
  }
}

static void avg_pool_range(void *context, size_t begin, size_t end) {
  const window_job *job = context;
  int64_t taps[MAX_TAPS];
  for (size_t o = begin; o < end; o++) {
    int count = taps_of(&job->g, o, taps);
    double sum = 0;
    for (int t = 0; t < count; t++) sum += job->in[taps[t]];
    job->out[o] = count > 0 ? (float)(sum / count) : 0.0f;
  }
}

/** The pooling gradients for images [begin, end): each output gradient goes to its window's taps. */
static void pool_grad_range(void *context, size_t begin, size_t end, int max) {
  const window_job *job = context;
  const window *g = &job->g;
  int64_t taps[MAX_TAPS];
  const size_t pixels = (size_t)(g->height * g->width * g->channels), pooled = (size_t)(g->out_h * g->out_w * g->channels);
  memset(job->out + begin * pixels, 0, (end - begin) * pixels * sizeof(float));
  for (size_t o = begin * pooled; o < end * pooled; o++) {
    int count = taps_of(g, o, taps);
    if (max) { // to the first maximal tap
      if (count == 0) continue;
      int64_t best = taps[0];
      for (int t = 1; t < count; t++) if (job->x[taps[t]] > job->x[best]) best = taps[t];
      job->out[best] += job->in[o];
    } else {
      for (int t = 0; t < count; t++) job->out[taps[t]] = (float)((double)job->out[taps[t]] + (double)job->in[o] / count);
    }
  }
}

static void max_pool_grad_range(void *context, size_t begin, size_t end) { pool_grad_range(context, begin, end, 1); }
static void avg_pool_grad_range(void *context, size_t begin, size_t end) { pool_grad_range(context, begin, end, 0); }

enum { IM2COL, COL2IM, MAX_POOL, MAX_POOL_GRAD, AVG_POOL, AVG_POOL_GRAD, WINDOW_COUNT };

// windowOp(op, input, x, out, geometry): input is the image (im2col, pooling), the patches (col2im)
// or the pooled gradient (the pooling gradients); x is the pooled input for maxPoolGrad (else ignored)
napi_value keel_window(napi_env env, napi_callback_info info) {
  const char *fn = "windowOp";
  napi_value args[5];
  int64_t op;
  window_job job;
  size_t in_length, x_length, out_length;
  if (!keel_args(env, info, fn, 5, args) || !keel_int(env, args[0], fn, "op", 0, WINDOW_COUNT - 1, &op) ||
      !keel_f32(env, args[1], fn, "input", (float **)&job.in, &in_length) || !keel_f32(env, args[2], fn, "x", (float **)&job.x, &x_length) ||
      !keel_f32(env, args[3], fn, "out", &job.out, &out_length) || !read_window(env, fn, args[4], &job.g)) {
    return NULL;
  }
  const window *g = &job.g;
  if (g->kernel_h * g->kernel_w > MAX_TAPS) {
    keel_range_error(env, fn, "windows of more than 4096 taps are not supported");
    return NULL;
  }
  const int64_t image_dims[4] = {g->batch, g->height, g->width, g->channels};
  const int64_t pooled_dims[4] = {g->batch, g->out_h, g->out_w, g->channels};
  const int64_t patch_dims[6] = {g->batch, g->out_h, g->out_w, g->kernel_h, g->kernel_w, g->channels};
  size_t image, pooled, patches;
  if (!keel_product(env, fn, image_dims, 4, &image) || !keel_product(env, fn, pooled_dims, 4, &pooled) ||
      !keel_product(env, fn, patch_dims, 6, &patches)) {
    return NULL;
  }
  // what each op reads and writes
  size_t needs_in = op == IM2COL || op == MAX_POOL || op == AVG_POOL ? image : op == COL2IM ? patches : pooled;
  size_t needs_out = op == IM2COL ? patches : op == MAX_POOL || op == AVG_POOL ? pooled : image;
  if (!keel_fits(env, fn, "input", in_length, 0, needs_in) || !keel_fits(env, fn, "out", out_length, 0, needs_out) ||
      (op == MAX_POOL_GRAD && !keel_fits(env, fn, "x", x_length, 0, image))) {
    return NULL;
  }
  size_t per_image = image / (g->batch > 0 ? (size_t)g->batch : 1);
  switch (op) {
    case IM2COL: keel_parallel_for(patch_rows(g), KEEL_GRAIN_CHEAP / (patch_size(g) + 1) + 1, im2col_range, &job); break;
    case COL2IM: keel_parallel_for((size_t)g->batch, KEEL_GRAIN_CHEAP / (per_image + 1) + 1, col2im_range, &job); break;
    case MAX_POOL: keel_parallel_for(pooled, KEEL_GRAIN_COSTLY, max_pool_range, &job); break;
    case AVG_POOL: keel_parallel_for(pooled, KEEL_GRAIN_COSTLY, avg_pool_range, &job); break;
    case MAX_POOL_GRAD: keel_parallel_for((size_t)g->batch, KEEL_GRAIN_CHEAP / (per_image + 1) + 1, max_pool_grad_range, &job); break;
    case AVG_POOL_GRAD: keel_parallel_for((size_t)g->batch, KEEL_GRAIN_CHEAP / (per_image + 1) + 1, avg_pool_grad_range, &job); break;
  }
  return keel_undefined(env);
}

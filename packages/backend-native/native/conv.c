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

/** Copies n floats; short runs (a few channels) inline, where a memcpy call costs more than the copy. */
static inline void copy_floats(float *restrict target, const float *restrict source, size_t n) {
  if (n >= 16) {
    memcpy(target, source, n * sizeof(float));
    return;
  }
  for (size_t i = 0; i < n; i++) target[i] = source[i];
}

static inline void zero_floats(float *target, size_t n) {
  for (size_t i = 0; i < n; i++) target[i] = 0.0f;
}

/** The in-image part of output pixel (oy, ox)'s window: rows [y0, y1), columns [x0, x1). */
static void window_of(const window *g, int64_t oy, int64_t ox, int64_t *y0, int64_t *y1, int64_t *x0, int64_t *x1) {
  int64_t top = oy * g->stride_h - g->pad_top, left = ox * g->stride_w - g->pad_left;
  *y0 = top < 0 ? 0 : top;
  *y1 = top + g->kernel_h > g->height ? g->height : top + g->kernel_h;
  *x0 = left < 0 ? 0 : left;
  *x1 = left + g->kernel_w > g->width ? g->width : left + g->kernel_w;
}

typedef struct {
  int64_t n, oy, ox, y0, y1, x0, x1;
} pixel_window;

/** Output pixel `pixel`'s coordinates and window (divisions: once per range, then `next_pixel`). */
static pixel_window pixel_at(const window *g, size_t pixel) {
  pixel_window w;
  w.n = (int64_t)pixel / (g->out_h * g->out_w);
  w.oy = ((int64_t)pixel / g->out_w) % g->out_h;
  w.ox = (int64_t)pixel % g->out_w;
  window_of(g, w.oy, w.ox, &w.y0, &w.y1, &w.x0, &w.x1);
  return w;
}

/** Steps `w` to the next output pixel in row-major order. */
static void next_pixel(const window *g, pixel_window *w) {
  if (++w->ox == g->out_w) {
    w->ox = 0;
    if (++w->oy == g->out_h) {
      w->oy = 0;
      w->n++;
    }
  }
  window_of(g, w->oy, w->ox, &w->y0, &w->y1, &w->x0, &w->x1);
}

static size_t image_offset(const window *g, int64_t n, int64_t y, int64_t x) {
  return (size_t)(((n * g->height + y) * g->width + x) * g->channels);
}

static void im2col_range(void *context, size_t begin, size_t end) {
  const window_job *job = context;
  const window *g = &job->g;
  const size_t patch = patch_size(g), c = (size_t)g->channels, kw = (size_t)g->kernel_w;
  pixel_window w = pixel_at(g, begin);
  for (size_t row = begin; row < end; row++, next_pixel(g, &w)) {
    float *target = job->out + row * patch;
    int64_t left = w.ox * g->stride_w - g->pad_left;
    // the taps of a window row inside the image are kx in [first, last), adjacent pixels
    size_t first = (size_t)(w.x0 - left), last = w.x1 > w.x0 ? (size_t)(w.x1 - left) : first;
    for (int64_t ky = 0; ky < g->kernel_h; ky++, target += kw * c) {
      int64_t y = w.oy * g->stride_h + ky - g->pad_top;
      if (y < w.y0 || y >= w.y1 || first == last) { // the whole window row is outside the image
        zero_floats(target, kw * c);
        continue;
      }
      zero_floats(target, first * c);
      copy_floats(target + first * c, job->in + image_offset(g, w.n, y, w.x0), (last - first) * c);
      zero_floats(target + last * c, (kw - last) * c);
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

// Pooling works a pixel at a time, over all its channels at once (contiguous in NHWC), visiting
// the window's taps row by row as the reference does; per element the result is the reference's.

/** Channels handled per block where a pixel needs per-channel scratch (sums, best taps). */
#define CHANNEL_BLOCK 256

static void max_pool_range(void *context, size_t begin, size_t end) {
  const window_job *job = context;
  const window *g = &job->g;
  const size_t c = (size_t)g->channels;
  pixel_window w = pixel_at(g, begin);
  for (size_t pixel = begin; pixel < end; pixel++, next_pixel(g, &w)) {
    float *restrict best = job->out + pixel * c;
    for (size_t i = 0; i < c; i++) best[i] = -INFINITY;
    for (int64_t y = w.y0; y < w.y1; y++) {
      for (int64_t x = w.x0; x < w.x1; x++) {
        const float *restrict tap = job->in + image_offset(g, w.n, y, x);
        for (size_t i = 0; i < c; i++) best[i] = tap[i] > best[i] || tap[i] != tap[i] ? tap[i] : best[i]; // NaN wins
      }
    }
  }
}

static void avg_pool_range(void *context, size_t begin, size_t end) {
  const window_job *job = context;
  const window *g = &job->g;
  const size_t c = (size_t)g->channels;
  double sum[CHANNEL_BLOCK];
  pixel_window w = pixel_at(g, begin);
  for (size_t pixel = begin; pixel < end; pixel++, next_pixel(g, &w)) {
    int64_t count = (w.y1 - w.y0) * (w.x1 - w.x0);
    if (count < 0) count = 0;
    for (size_t first = 0; first < c; first += CHANNEL_BLOCK) {
      size_t block = c - first < CHANNEL_BLOCK ? c - first : CHANNEL_BLOCK;
      for (size_t i = 0; i < block; i++) sum[i] = 0;
      for (int64_t y = w.y0; y < w.y1; y++) {
        for (int64_t x = w.x0; x < w.x1; x++) {
          const float *tap = job->in + image_offset(g, w.n, y, x) + first;
          for (size_t i = 0; i < block; i++) sum[i] += tap[i];
        }
      }
      float *out = job->out + pixel * c + first;
      for (size_t i = 0; i < block; i++) out[i] = count > 0 ? (float)(sum[i] / (double)count) : 0.0f;
    }
  }
}

/** The pooling gradients for images [begin, end): each output gradient goes to its window's taps. */
static void pool_grad_range(void *context, size_t begin, size_t end, int max) {
  const window_job *job = context;
  const window *g = &job->g;
  const size_t c = (size_t)g->channels;
  const size_t pixels = (size_t)(g->height * g->width) * c, per_image = (size_t)(g->out_h * g->out_w);
  float best_value[CHANNEL_BLOCK];
  size_t best_tap[CHANNEL_BLOCK];
  memset(job->out + begin * pixels, 0, (end - begin) * pixels * sizeof(float));
  pixel_window w = pixel_at(g, begin * per_image);
  for (size_t pixel = begin * per_image; pixel < end * per_image; pixel++, next_pixel(g, &w)) {
    int64_t count = (w.y1 - w.y0) * (w.x1 - w.x0);
    if (count <= 0) continue;
    const float *dy = job->in + pixel * c;
    if (!max) { // an equal share to every tap
      for (int64_t y = w.y0; y < w.y1; y++) {
        for (int64_t x = w.x0; x < w.x1; x++) {
          float *tap = job->out + image_offset(g, w.n, y, x);
          for (size_t i = 0; i < c; i++) tap[i] = (float)((double)tap[i] + (double)dy[i] / (double)count);
        }
      }
      continue;
    }
    for (size_t first = 0; first < c; first += CHANNEL_BLOCK) { // all to the first maximal tap
      size_t block = c - first < CHANNEL_BLOCK ? c - first : CHANNEL_BLOCK;
      size_t start = image_offset(g, w.n, w.y0, w.x0) + first;
      for (size_t i = 0; i < block; i++) {
        best_value[i] = job->x[start + i];
        best_tap[i] = start + i;
      }
      for (int64_t y = w.y0; y < w.y1; y++) {
        for (int64_t x = w.x0; x < w.x1; x++) {
          size_t tap = image_offset(g, w.n, y, x) + first;
          for (size_t i = 0; i < block; i++) { // branch-free: on random data a branch mispredicts
            float v = job->x[tap + i];
            size_t better = -(size_t)(v > best_value[i]);
            best_value[i] = v > best_value[i] ? v : best_value[i];
            best_tap[i] = (best_tap[i] & ~better) | ((tap + i) & better);
          }
        }
      }
      for (size_t i = 0; i < block; i++) job->out[best_tap[i]] += dy[first + i];
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
  size_t channels = g->channels > 0 ? (size_t)g->channels : 1;
  switch (op) {
    case IM2COL: keel_parallel_for(patch_rows(g), KEEL_GRAIN_CHEAP / (patch_size(g) + 1) + 1, im2col_range, &job); break;
    case COL2IM: keel_parallel_for((size_t)g->batch, KEEL_GRAIN_CHEAP / (per_image + 1) + 1, col2im_range, &job); break;
    case MAX_POOL: keel_parallel_for(pooled / channels, KEEL_GRAIN_CHEAP / channels + 1, max_pool_range, &job); break;
    case AVG_POOL: keel_parallel_for(pooled / channels, KEEL_GRAIN_CHEAP / channels + 1, avg_pool_range, &job); break;
    case MAX_POOL_GRAD: keel_parallel_for((size_t)g->batch, KEEL_GRAIN_CHEAP / (per_image + 1) + 1, max_pool_grad_range, &job); break;
    case AVG_POOL_GRAD: keel_parallel_for((size_t)g->batch, KEEL_GRAIN_CHEAP / (per_image + 1) + 1, avg_pool_grad_range, &job); break;
  }
  return keel_undefined(env);
}

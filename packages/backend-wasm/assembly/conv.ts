// Window kernels over NHWC float32 images: im2col (a convolution is then one matmul) and its
// adjoint col2im, max and average pooling and their gradients. Every loop visits windows and taps
// in the order of the 'js' reference (src/kernels/js/conv.ts of @keel/tensor), and sums in the
// same precision, so the results are bit for bit the reference's.
//
// Geometry arguments, as @keel/tensor's WindowGeometry: the input is [batch, height, width,
// channels]; windows of kernelH × kernelW taps move by strideH, strideW over the input padded by
// padTop, padLeft, giving outH × outW windows per image.

function max32(a: i32, b: i32): i32 {
  return a > b ? a : b;
}

function min32(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

/**
 * dst[0..n) = src[0..n), for the short runs of im2col (a few pixels, where memory.copy's call
 * costs most). A run of fewer than 4 floats is copied as one vector when both ends have room: the
 * extra floats written are rewritten by the next runs, since im2col writes its output in order.
 */
function copyRun(dst: usize, src: usize, n: i32, dstEnd: usize, srcEnd: usize): void {
  if (n < 4 && dst + 16 <= dstEnd && src + 16 <= srcEnd) {
    v128.store(dst, v128.load(src));
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + usize(i) * 4, v128.load(src + usize(i) * 4));
  for (; i < n; i++) store<f32>(dst + usize(i) * 4, load<f32>(src + usize(i) * 4));
}

/** dst[0..n) = 0 (a run shorter than 4 as one vector when there is room, as copyRun). */
function zeroRun(dst: usize, n: i32, dstEnd: usize): void {
  if (n <= 0) return;
  if (n < 4 && dst + 16 <= dstEnd) {
    v128.store(dst, f32x4.splat(0));
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + usize(i) * 4, f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + usize(i) * 4, 0);
}

/** dst[0..n) += src[0..n), four at a time (each element gets exactly one float32 add). */
function addRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * Every kernelH × kernelW patch of x becomes a row of out ([batch·outH·outW, kernelH·kernelW·channels]);
 * taps outside the image are 0. The in-image taps of one patch row are contiguous in x, so each
 * (patch, ky) is one copy.
 */
export function im2col(
  x: usize, out: usize, batch: i32, height: i32, width: i32, channels: i32,
  kernelH: i32, kernelW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const pixel = usize(channels) * 4;
  const run = usize(kernelW) * pixel;
  const dstEnd = out + usize(batch) * usize(outH) * usize(outW) * usize(kernelH) * run;
  const srcEnd = x + usize(batch) * usize(height) * usize(width) * pixel;
  let dst = out;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - padLeft;
        const lo = max32(0, -x0);
        const hi = min32(kernelW, width - x0);
        for (let ky = 0; ky < kernelH; ky++) {
          const y = oy * strideH + ky - padTop;
          if (y < 0 || y >= height || hi <= lo) {
            zeroRun(dst, kernelW * channels, dstEnd);
          } else {
            const src = x + ((usize(n) * usize(height) + usize(y)) * usize(width) + usize(x0 + lo)) * pixel;
            zeroRun(dst, lo * channels, dstEnd);
            copyRun(dst + usize(lo) * pixel, src, (hi - lo) * channels, dstEnd, srcEnd);
            zeroRun(dst + usize(hi) * pixel, (kernelW - hi) * channels, dstEnd);
          }
          dst += run;
        }
      }
    }
  }
}

/** The adjoint of im2col: out (the image, zeroed here) gets every patch row of cols added back. */
export function col2im(
  cols: usize, out: usize, batch: i32, height: i32, width: i32, channels: i32,
  kernelH: i32, kernelW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const pixel = usize(channels) * 4;
  const run = usize(kernelW) * pixel;
  memory.fill(out, 0, usize(batch) * usize(height) * usize(width) * pixel);
  let src = cols;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - padLeft;
        const lo = max32(0, -x0);
        const hi = min32(kernelW, width - x0);
        for (let ky = 0; ky < kernelH; ky++) {
          const y = oy * strideH + ky - padTop;
          if (y >= 0 && y < height && hi > lo) {
            const dst = out + ((usize(n) * usize(height) + usize(y)) * usize(width) + usize(x0 + lo)) * pixel;
            addRun(dst, src + usize(lo) * pixel, (hi - lo) * channels);
          }
          src += run;
        }
      }
    }
  }
}

/**
 * Max (kind 0) or mean (kind 1) over each window's in-image taps, per channel: out is
 * [batch, outH, outW, channels]. Max: NaN wins, an empty window gives -Infinity. Mean: summed in
 * float64 and divided by the number of in-image taps (padding is not counted).
 */
export function pool(
  kind: i32, x: usize, out: usize, batch: i32, height: i32, width: i32, channels: i32,
  kernelH: i32, kernelW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const pixel = usize(channels) * 4;
  let dst = out;
  for (let n = 0; n < batch; n++) {
    const image = x + usize(n) * usize(height) * usize(width) * pixel;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * strideH - padTop;
      const yLo = max32(0, y0);
      const yHi = min32(height, y0 + kernelH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - padLeft;
        const xLo = max32(0, x0);
        const xHi = min32(width, x0 + kernelW);
        if (kind == 0) maxWindow(image, dst, width, channels, yLo, yHi, xLo, xHi);
        else meanWindow(image, dst, width, channels, yLo, yHi, xLo, xHi);
        dst += pixel;
      }
    }
  }
}

function maxWindow(image: usize, dst: usize, width: i32, channels: i32, yLo: i32, yHi: i32, xLo: i32, xHi: i32): void {
  const pixel = usize(channels) * 4;
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    let best = f32x4.splat(-Infinity);
    for (let y = yLo; y < yHi; y++) {
      for (let xx = xLo; xx < xHi; xx++) {
        const v = v128.load(image + (usize(y) * usize(width) + usize(xx)) * pixel + usize(c) * 4);
        best = v128.bitselect(v, best, v128.or(f32x4.gt(v, best), f32x4.ne(v, v)));
      }
    }
    v128.store(dst + usize(c) * 4, best);
  }
  for (; c < channels; c++) {
    let best: f32 = -Infinity;
    for (let y = yLo; y < yHi; y++) {
      for (let xx = xLo; xx < xHi; xx++) {
        const v = load<f32>(image + (usize(y) * usize(width) + usize(xx)) * pixel + usize(c) * 4);
        if (v > best || v != v) best = v;
      }
    }
    store<f32>(dst + usize(c) * 4, best);
  }
}

function meanWindow(image: usize, dst: usize, width: i32, channels: i32, yLo: i32, yHi: i32, xLo: i32, xHi: i32): void {
  const pixel = usize(channels) * 4;
  const count = max32(0, yHi - yLo) * max32(0, xHi - xLo);
  for (let c = 0; c < channels; c++) {
    let sum: f64 = 0;
    for (let y = yLo; y < yHi; y++) {
      for (let xx = xLo; xx < xHi; xx++) sum += f64(load<f32>(image + (usize(y) * usize(width) + usize(xx)) * pixel + usize(c) * 4));
    }
    store<f32>(dst + usize(c) * 4, count > 0 ? f32(sum / f64(count)) : 0);
  }
}

/**
 * Gradients of pooling: out (shaped like the input, zeroed here) gets each window's dy — max
 * (kind 0): all of it at the window's first maximal tap; mean (kind 1): dy / taps at every tap.
 * `x` is the pooled input (read by max only).
 */
export function poolGrad(
  kind: i32, x: usize, dy: usize, out: usize, batch: i32, height: i32, width: i32, channels: i32,
  kernelH: i32, kernelW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const pixel = usize(channels) * 4;
  const imageBytes = usize(height) * usize(width) * pixel;
  memory.fill(out, 0, usize(batch) * imageBytes);
  let grad = dy;
  for (let n = 0; n < batch; n++) {
    const image = usize(n) * imageBytes;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * strideH - padTop;
      const yLo = max32(0, y0);
      const yHi = min32(height, y0 + kernelH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * strideW - padLeft;
        const xLo = max32(0, x0);
        const xHi = min32(width, x0 + kernelW);
        if (yHi > yLo && xHi > xLo) {
          let c = 0;
          if (kind == 0) {
            for (; c + 4 <= channels; c += 4) maxGrad4(x, grad, out, image + usize(c) * 4, width, pixel, yLo, yHi, xLo, xHi, c);
          }
          for (; c < channels; c++) {
            const g = load<f32>(grad + usize(c) * 4);
            const first = image + (usize(yLo) * usize(width) + usize(xLo)) * pixel + usize(c) * 4;
            if (kind == 0) {
              // the first maximal tap, in window order (a NaN tap is never "greater")
              let best = first;
              for (let y = yLo; y < yHi; y++) {
                for (let xx = xLo; xx < xHi; xx++) {
                  const tap = image + (usize(y) * usize(width) + usize(xx)) * pixel + usize(c) * 4;
                  if (load<f32>(x + tap) > load<f32>(x + best)) best = tap;
                }
              }
              store<f32>(out + best, load<f32>(out + best) + g);
            } else {
              const share = f64(g) / f64((yHi - yLo) * (xHi - xLo));
              for (let y = yLo; y < yHi; y++) {
                for (let xx = xLo; xx < xHi; xx++) {
                  const tap = out + image + (usize(y) * usize(width) + usize(xx)) * pixel + usize(c) * 4;
                  store<f32>(tap, f32(f64(load<f32>(tap)) + share));
                }
              }
            }
          }
        }
        grad += pixel;
      }
    }
  }
}

/**
 * The max-pool gradient of one window for channels c .. c+3: each lane finds its first maximal tap
 * (as the scalar loop: a tap replaces the best only when greater), then gets its dy added there.
 * `base` is the byte offset of the image plus 4·c.
 */
function maxGrad4(x: usize, grad: usize, out: usize, base: usize, width: i32, pixel: usize, yLo: i32, yHi: i32, xLo: i32, xHi: i32, c: i32): void {
  let bestTap = i32x4.splat(i32((usize(yLo) * usize(width) + usize(xLo)) * pixel));
  let best = v128.load(x + base + usize(i32x4.extract_lane(bestTap, 0)));
  for (let y = yLo; y < yHi; y++) {
    for (let xx = xLo; xx < xHi; xx++) {
      const tap = i32((usize(y) * usize(width) + usize(xx)) * pixel);
      const v = v128.load(x + base + usize(tap));
      const greater = f32x4.gt(v, best);
      best = v128.bitselect(v, best, greater);
      bestTap = v128.bitselect(i32x4.splat(tap), bestTap, greater);
    }
  }
  const g = v128.load(grad + usize(c) * 4);
  const at = out + base;
  const t0 = at + usize(i32x4.extract_lane(bestTap, 0));
  store<f32>(t0, load<f32>(t0) + f32x4.extract_lane(g, 0));
  const t1 = at + usize(i32x4.extract_lane(bestTap, 1)) + 4;
  store<f32>(t1, load<f32>(t1) + f32x4.extract_lane(g, 1));
  const t2 = at + usize(i32x4.extract_lane(bestTap, 2)) + 8;
  store<f32>(t2, load<f32>(t2) + f32x4.extract_lane(g, 2));
  const t3 = at + usize(i32x4.extract_lane(bestTap, 3)) + 12;
  store<f32>(t3, load<f32>(t3) + f32x4.extract_lane(g, 3));
}

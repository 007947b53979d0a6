import { allocate, host, type JsKernel } from './util.js';

/** Geometry of a 2-D window op over NHWC input, computed by the op and passed as attrs. */
export interface WindowGeometry {
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * im2col: every kernel-sized patch of x [N, H, W, C] becomes a row of
 * [N·outH·outW, kernelH·kernelW·C], so a convolution is one matmul. Out-of-image taps are 0.
 */
export const im2colKernel: JsKernel<'im2col'> = ([x], attrs) => {
  const g = attrs;
  const [batch, height, width, channels] = x.shape;
  const input = x.data;
  const patch = g.kernelH * g.kernelW * channels;
  const rows = batch * g.outH * g.outW;
  const out = allocate(x.dtype, rows * patch);
  let row = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++, row++) {
        let target = row * patch;
        for (let ky = 0; ky < g.kernelH; ky++) {
          const y = oy * g.strideH + ky - g.padTop;
          for (let kx = 0; kx < g.kernelW; kx++, target += channels) {
            const xx = ox * g.strideW + kx - g.padLeft;
            if (y < 0 || y >= height || xx < 0 || xx >= width) continue;
            const source = ((n * height + y) * width + xx) * channels;
            for (let c = 0; c < channels; c++) out[target + c] = input[source + c];
          }
        }
      }
    }
  }
  return host(out, [rows, patch], x.dtype);
};

/** col2im: the adjoint of im2col, adding each patch row back onto the image (input gradient). */
export const col2imKernel: JsKernel<'col2im'> = ([cols], attrs) => {
  const g = attrs;
  const [batch, height, width, channels] = attrs.inputShape;
  const values = cols.data;
  const patch = g.kernelH * g.kernelW * channels;
  const out = allocate(cols.dtype, batch * height * width * channels);
  let row = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++, row++) {
        let source = row * patch;
        for (let ky = 0; ky < g.kernelH; ky++) {
          const y = oy * g.strideH + ky - g.padTop;
          for (let kx = 0; kx < g.kernelW; kx++, source += channels) {
            const xx = ox * g.strideW + kx - g.padLeft;
            if (y < 0 || y >= height || xx < 0 || xx >= width) continue;
            const target = ((n * height + y) * width + xx) * channels;
            for (let c = 0; c < channels; c++) out[target + c] += values[source + c];
          }
        }
      }
    }
  }
  return host(out, [batch, height, width, channels], cols.dtype);
};

/** Visits each pooling window: `visit(outIndex, inputIndices)` over in-image taps. */
function forEachWindow(shape: readonly number[], g: WindowGeometry, visit: (out: number, taps: number[], count: number) => void): void {
  const [batch, height, width, channels] = shape;
  const taps = new Array<number>(g.kernelH * g.kernelW);
  let out = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let c = 0; c < channels; c++, out++) {
          let count = 0;
          for (let ky = 0; ky < g.kernelH; ky++) {
            const y = oy * g.strideH + ky - g.padTop;
            if (y < 0 || y >= height) continue;
            for (let kx = 0; kx < g.kernelW; kx++) {
              const xx = ox * g.strideW + kx - g.padLeft;
              if (xx < 0 || xx >= width) continue;
              taps[count++] = ((n * height + y) * width + xx) * channels + c;
            }
          }
          visit(out, taps, count);
        }
      }
    }
  }
}

function pooledShape(shape: readonly number[], g: WindowGeometry): number[] {
  return [shape[0], g.outH, g.outW, shape[3]];
}

export const maxPoolKernel: JsKernel<'maxPool'> = ([x], attrs) => {
  const g = attrs;
  const input = x.data;
  const shape = pooledShape(x.shape, g);
  const out = allocate(x.dtype, shape[0] * shape[1] * shape[2] * shape[3]);
  forEachWindow(x.shape, g, (o, taps, count) => {
    let best = -Infinity;
    for (let t = 0; t < count; t++) if (input[taps[t]] > best || Number.isNaN(input[taps[t]])) best = input[taps[t]];
    out[o] = best;
  });
  return host(out, shape, x.dtype);
};

/** Routes each output gradient to the first maximal tap of its window. */
export const maxPoolGradKernel: JsKernel<'maxPoolGrad'> = ([x, dy], attrs) => {
  const g = attrs;
  const input = x.data;
  const grad = dy.data;
  const out = allocate(dy.dtype, x.data.length);
  forEachWindow(x.shape, g, (o, taps, count) => {
    let bestTap = taps[0];
    for (let t = 1; t < count; t++) if (input[taps[t]] > input[bestTap]) bestTap = taps[t];
    if (count > 0) out[bestTap] += grad[o];
  });
  return host(out, x.shape, dy.dtype);
};

/** Average over in-image taps (padding is not counted). */
export const avgPoolKernel: JsKernel<'avgPool'> = ([x], attrs) => {
  const g = attrs;
  const input = x.data;
  const shape = pooledShape(x.shape, g);
  const out = allocate(x.dtype, shape[0] * shape[1] * shape[2] * shape[3]);
  forEachWindow(x.shape, g, (o, taps, count) => {
    let sum = 0;
    for (let t = 0; t < count; t++) sum += input[taps[t]];
    out[o] = count > 0 ? sum / count : 0;
  });
  return host(out, shape, x.dtype);
};

export const avgPoolGradKernel: JsKernel<'avgPoolGrad'> = ([dy], attrs) => {
  const g = attrs;
  const inputShape = attrs.inputShape;
  const grad = dy.data;
  const out = allocate(dy.dtype, inputShape[0] * inputShape[1] * inputShape[2] * inputShape[3]);
  forEachWindow(inputShape, g, (o, taps, count) => {
    for (let t = 0; t < count; t++) out[taps[t]] += grad[o] / count;
  });
  return host(out, inputShape, dy.dtype);
};

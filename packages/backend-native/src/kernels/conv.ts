import type { Shape } from '@keel/tensor';
import { WindowOp } from './codes.js';
import { f32, kernel, type NativeBody } from './kernel.js';

/** The window geometry the conv and pooling ops pass as attrs (see @keel/tensor's windowGeometry). */
interface Window {
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outH: number;
  readonly outW: number;
}

/** [batch, height, width, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW] */
function geometry(image: Shape, g: Window): Int32Array {
  return Int32Array.from([...image, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padTop, g.padLeft, g.outH, g.outW]);
}

const none = new Float32Array(0);

export const im2colKernel = kernel('im2col', (backend, [x], attrs) => {
  const g = attrs;
  const [batch, , , channels] = x.shape;
  const { record, values } = backend.output([batch * g.outH * g.outW, g.kernelH * g.kernelW * channels]);
  backend.addon.windowOp(WindowOp.im2col, f32(x), none, values, geometry(x.shape, g));
  return record;
});

export const col2imKernel = kernel('col2im', (backend, [cols], attrs) => {
  const image = attrs.inputShape;
  const { record, values } = backend.output(image);
  backend.addon.windowOp(WindowOp.col2im, f32(cols), none, values, geometry(image, attrs));
  return record;
});

export function poolKernel(kind: 'maxPool' | 'avgPool'): NativeBody<'maxPool' | 'avgPool'> {
  return kernel(kind, (backend, [x], attrs) => {
    const g = attrs;
    const { record, values } = backend.output([x.shape[0], g.outH, g.outW, x.shape[3]]);
    backend.addon.windowOp(WindowOp[kind], f32(x), none, values, geometry(x.shape, g));
    return record;
  });
}

/** Each output gradient to the first maximal tap of its window. */
export const maxPoolGradKernel = kernel('maxPoolGrad', (backend, [x, dy], attrs) => {
  const { record, values } = backend.output(x.shape);
  backend.addon.windowOp(WindowOp.maxPoolGrad, f32(dy), f32(x), values, geometry(x.shape, attrs));
  return record;
});

/** Each output gradient shared equally by its window's in-image taps. */
export const avgPoolGradKernel = kernel('avgPoolGrad', (backend, [dy], attrs) => {
  const image = attrs.inputShape;
  const { record, values } = backend.output(image);
  backend.addon.windowOp(WindowOp.avgPoolGrad, f32(dy), none, values, geometry(image, attrs));
  return record;
});

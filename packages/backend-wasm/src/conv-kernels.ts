// Convolution and pooling kernels (assembly/conv.ts). conv2d is im2col + matmul in @keel/tensor,
// so with im2col and col2im here a convolution's forward and backward passes run in WebAssembly
// end to end — and, when large, on the worker threads (split by images; its matmuls by rows).
import type { AttrsOf, Shape } from '@keel/tensor';
import { kernel, type WasmBodies, type WasmBody } from './kernel.js';
import type { Geometry } from './module.js';
import { window, Window } from './parallel-map.js';

/** The kernels' geometry arguments: an NHWC input shape and @keel/tensor's window attrs. */
function geometry(input: Shape, g: AttrsOf<'im2col'>): Geometry {
  return [input[0], input[1], input[2], input[3], g.kernelH, g.kernelW, g.strideH, g.strideW, g.padTop, g.padLeft, g.outH, g.outW];
}

const im2colKernel = kernel('im2col', (backend, [x], attrs) => {
  const g = geometry(x.shape, attrs);
  const [batch, , , channels, kernelH, kernelW, , , , , outH, outW] = g;
  const px = backend.input(x);
  const { record, ptr, size } = backend.output([batch * outH * outW, kernelH * kernelW * channels]);
  if (size > 0) window(backend, Window.im2col, [px, ptr, 0], g, size);
  return record;
});

const col2imKernel = kernel('col2im', (backend, [cols], attrs) => {
  const inputShape = attrs.inputShape;
  const pc = backend.input(cols);
  const { record, ptr, size } = backend.output(inputShape);
  if (size > 0) window(backend, Window.col2im, [pc, ptr, 0], geometry(inputShape, attrs), size);
  return record;
});

function poolKernel(which: typeof Window.maxPool | typeof Window.avgPool): WasmBody<'maxPool' | 'avgPool'> {
  return kernel(which === Window.maxPool ? 'maxPool' : 'avgPool', (backend, [x], attrs) => {
    const g = geometry(x.shape, attrs);
    const px = backend.input(x);
    const { record, ptr, size } = backend.output([x.shape[0], g[10], g[11], x.shape[3]]);
    if (size > 0) window(backend, which, [px, ptr, 0], g, size);
    return record;
  });
}

const maxPoolGradKernel = kernel('maxPoolGrad', (backend, [x, dy], attrs) => {
  const px = backend.input(x);
  const pdy = backend.input(dy);
  const { record, ptr, size } = backend.output(x.shape);
  if (size > 0) window(backend, Window.maxPoolGrad, [px, pdy, ptr], geometry(x.shape, attrs), size);
  return record;
});

const avgPoolGradKernel = kernel('avgPoolGrad', (backend, [dy], attrs) => {
  const inputShape = attrs.inputShape;
  const pdy = backend.input(dy);
  const { record, ptr, size } = backend.output(inputShape);
  // the mean's gradient does not read the input: 0 stands in for it
  if (size > 0) window(backend, Window.avgPoolGrad, [0, pdy, ptr], geometry(inputShape, attrs), size);
  return record;
});

export const convKernels: WasmBodies = {
  im2col: im2colKernel,
  col2im: col2imKernel,
  maxPool: poolKernel(Window.maxPool),
  avgPool: poolKernel(Window.avgPool),
  maxPoolGrad: maxPoolGradKernel,
  avgPoolGrad: avgPoolGradKernel,
};

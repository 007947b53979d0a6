import { broadcastShapes, shapesEqual, type KernelFn } from '@keel/tensor';
import { Binary, Unary } from './codes.js';
import { binaryGeometry, broadcastStrides, walkGeometry } from './geometry.js';
import { f32, kernel } from './kernel.js';

export function unaryKernel(op: keyof typeof Unary): KernelFn {
  const code = Unary[op];
  return kernel(op, (backend, [x]) => {
    const { tensor, values } = backend.output(x.shape);
    backend.addon.unary(code, f32(x), values);
    return tensor;
  });
}

export const affineKernel = kernel('affine', (backend, [x], attrs) => {
  const { tensor, values } = backend.output(x.shape);
  backend.addon.affine(f32(x), values, attrs.scale as number, attrs.offset as number);
  return tensor;
});

/** clip, or (inside) the mask where low <= x <= high that clip's gradient passes through. */
export function clipKernel(inside: boolean): KernelFn {
  return kernel(inside ? 'insideRange' : 'clip', (backend, [x], attrs) => {
    const { tensor, values } = backend.output(x.shape);
    backend.addon.clip(inside, f32(x), values, attrs.low as number, attrs.high as number);
    return tensor;
  });
}

/** Any NumPy broadcast of two tensors, walked by the C kernel through strides. */
export function binaryKernel(op: keyof typeof Binary): KernelFn {
  const code = Binary[op];
  return kernel(op, (backend, [a, b]) => {
    const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(op, a.shape, b.shape);
    const geometry = binaryGeometry(a.shape, b.shape, shape);
    if (geometry === undefined) return undefined;
    const { tensor, values } = backend.output(shape);
    if (values.length > 0) backend.addon.binary(code, f32(a), f32(b), values, geometry);
    return tensor;
  });
}

export const whereKernel = kernel('where', (backend, [condition, a, b]) => {
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, a.shape), b.shape);
  const strides = [condition, a, b].map((t) => broadcastStrides(t.shape, shape));
  const geometry = walkGeometry(shape, strides);
  if (geometry === undefined) return undefined;
  const { tensor, values } = backend.output(shape);
  if (values.length > 0) backend.addon.where(f32(condition), f32(a), f32(b), values, geometry);
  return tensor;
});

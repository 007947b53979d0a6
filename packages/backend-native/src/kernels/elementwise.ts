import { broadcastShapes, shapesEqual, type BinaryOp, type UnaryOp } from '@keel/tensor';
import { Binary, Unary } from './codes.js';
import { binaryGeometry, broadcastStrides, walkGeometry } from './geometry.js';
import { f32, kernel, type NativeBody } from './kernel.js';

export function unaryKernel(op: UnaryOp): NativeBody<UnaryOp> {
  const code = Unary[op];
  return kernel(op, (backend, [x]) => {
    const { record, values } = backend.output(x.shape);
    backend.addon.unary(code, f32(x), values);
    return record;
  });
}

export const affineKernel = kernel('affine', (backend, [x], attrs) => {
  const { record, values } = backend.output(x.shape);
  backend.addon.affine(f32(x), values, attrs.scale, attrs.offset);
  return record;
});

/** clip, or (inside) the mask where low <= x <= high that clip's gradient passes through. */
export function clipKernel(inside: boolean): NativeBody<'clip' | 'insideRange'> {
  return kernel(inside ? 'insideRange' : 'clip', (backend, [x], attrs) => {
    const { record, values } = backend.output(x.shape);
    backend.addon.clip(inside, f32(x), values, attrs.low, attrs.high);
    return record;
  });
}

/** Any NumPy broadcast of two tensors, walked by the C kernel through strides. */
export function binaryKernel(op: BinaryOp): NativeBody<BinaryOp> {
  const code = Binary[op];
  return kernel(op, (backend, [a, b]) => {
    const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(op, a.shape, b.shape);
    const geometry = binaryGeometry(a.shape, b.shape, shape);
    if (geometry === undefined) return undefined;
    const { record, values } = backend.output(shape);
    if (values.length > 0) backend.addon.binary(code, f32(a), f32(b), values, geometry);
    return record;
  });
}

export const whereKernel = kernel('where', (backend, [condition, a, b]) => {
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, a.shape), b.shape);
  const strides = [condition, a, b].map((t) => broadcastStrides(t.shape, shape));
  const geometry = walkGeometry(shape, strides);
  if (geometry === undefined) return undefined;
  const { record, values } = backend.output(shape);
  if (values.length > 0) backend.addon.where(f32(condition), f32(a), f32(b), values, geometry);
  return record;
});

import { sizeOf, stridesOf } from '@keel/tensor';
import { broadcastStrides, permutedStrides, walkGeometry } from './geometry.js';
import { f32, kernel } from './kernel.js';

/** Any permutation of the axes, as one strided copy. */
export const transposeKernel = kernel('transpose', (backend, [x], attrs) => {
  const perm = attrs.perm;
  const shape = perm.map((axis) => x.shape[axis]);
  const geometry = walkGeometry(shape, [permutedStrides(x.shape, perm)]);
  if (geometry === undefined) return undefined;
  const { record, values } = backend.output(shape);
  if (values.length > 0) backend.addon.stridedCopy(f32(x), values, geometry);
  return record;
});

/** Repeats x over broadcast dimensions (the backward of sum and mean needs it). */
export const broadcastToKernel = kernel('broadcastTo', (backend, [x], attrs) => {
  const shape = attrs.shape;
  const geometry = walkGeometry(shape, [broadcastStrides(x.shape, shape)]);
  if (geometry === undefined) return undefined;
  const { record, values } = backend.output(shape);
  if (values.length > 0) backend.addon.stridedCopy(f32(x), values, geometry);
  return record;
});

/** A box of the input: a strided copy starting at the box's first element (a view of the array, no copy). */
export const sliceKernel = kernel('slice', (backend, [x], attrs) => {
  const begin = attrs.begin;
  const size = attrs.size;
  const strides = stridesOf(x.shape);
  const geometry = walkGeometry(size, [strides]);
  if (geometry === undefined) return undefined;
  const { record, values } = backend.output(size);
  if (values.length === 0) return record;
  const first = begin.reduce((offset, b, axis) => offset + b * strides[axis], 0);
  backend.addon.stridedCopy(f32(x).subarray(first), values, geometry);
  return record;
});

export const oneHotKernel = kernel('oneHot', (backend, [indices], attrs) => {
  const depth = attrs.depth;
  const { record, values } = backend.output([...indices.shape, depth]);
  backend.addon.oneHot(f32(indices), values, depth);
  return record;
});

export const gatherKernel = kernel('gather', (backend, [x, indices], attrs) => {
  const axis = attrs.axis;
  const { record, values } = backend.output([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)]);
  backend.addon.gather(f32(x), f32(indices), values, sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1)));
  return record;
});

export const gatherGradKernel = kernel('gatherGrad', (backend, [dy, indices], attrs) => {
  const axis = attrs.axis;
  const shape = attrs.shape;
  const { record, values } = backend.output(shape);
  backend.addon.gatherGrad(f32(dy), f32(indices), values, sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1)));
  return record;
});

/** float32 → float32 is a copy (a memcpy); conversions to float64 are left to the 'js' fallback. */
export const castKernel = kernel('cast', (backend, [x], attrs) => {
  if (attrs.dtype !== 'float32') return undefined;
  const { record, values } = backend.output(x.shape);
  values.set(f32(x));
  return record;
});

import { sizeOf, stridesOf, type KernelFn } from '@keel/tensor';
import { broadcastStrides, permutedStrides, walkGeometry } from './geometry.js';
import { f32, kernel, reference } from './kernel.js';

/** Any permutation of the axes, as one strided copy. */
export const transposeKernel = kernel('transpose', (backend, [x], attrs) => {
  const perm = attrs.perm as number[];
  const shape = perm.map((axis) => x.shape[axis]);
  const geometry = walkGeometry(shape, [permutedStrides(x.shape, perm)]);
  if (geometry === undefined) return undefined;
  const { tensor, values } = backend.output(shape);
  if (values.length > 0) backend.addon.stridedCopy(f32(x), values, geometry);
  return tensor;
});

/** Repeats x over broadcast dimensions (the backward of sum and mean needs it). */
export const broadcastToKernel = kernel('broadcastTo', (backend, [x], attrs) => {
  const shape = attrs.shape as number[];
  const geometry = walkGeometry(shape, [broadcastStrides(x.shape, shape)]);
  if (geometry === undefined) return undefined;
  const { tensor, values } = backend.output(shape);
  if (values.length > 0) backend.addon.stridedCopy(f32(x), values, geometry);
  return tensor;
});

/** A box of the input: a strided copy starting at the box's first element (a view of the array, no copy). */
export const sliceKernel = kernel('slice', (backend, [x], attrs) => {
  const begin = attrs.begin as number[];
  const size = attrs.size as number[];
  const strides = stridesOf(x.shape);
  const geometry = walkGeometry(size, [strides]);
  if (geometry === undefined) return undefined;
  const { tensor, values } = backend.output(size);
  if (values.length === 0) return tensor;
  const first = begin.reduce((offset, b, axis) => offset + b * strides[axis], 0);
  backend.addon.stridedCopy(f32(x).subarray(first), values, geometry);
  return tensor;
});

export const oneHotKernel = kernel('oneHot', (backend, [indices], attrs) => {
  const depth = attrs.depth as number;
  const { tensor, values } = backend.output([...indices.shape, depth]);
  backend.addon.oneHot(f32(indices), values, depth);
  return tensor;
});

export const gatherKernel = kernel('gather', (backend, [x, indices], attrs) => {
  const axis = attrs.axis as number;
  const { tensor, values } = backend.output([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)]);
  backend.addon.gather(f32(x), f32(indices), values, sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1)));
  return tensor;
});

export const gatherGradKernel = kernel('gatherGrad', (backend, [dy, indices], attrs) => {
  const axis = attrs.axis as number;
  const shape = attrs.shape as number[];
  const { tensor, values } = backend.output(shape);
  backend.addon.gatherGrad(f32(dy), f32(indices), values, sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1)));
  return tensor;
});

const float32Copy = kernel('cast', (backend, [x]) => {
  const { tensor, values } = backend.output(x.shape);
  values.set(f32(x));
  return tensor;
});

/** float32 → float32 is a copy (a memcpy); conversions to and from float64 use the reference. */
export const castKernel: KernelFn = (inputs, attrs) =>
  inputs[0].dtype === 'float32' && attrs.dtype === 'float32' ? float32Copy(inputs, attrs) : reference('cast', inputs, attrs);

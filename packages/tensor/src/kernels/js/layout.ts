import type { DType, TypedArray } from '../../dtype.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import { allocate, broadcastStrides, host, type JsKernel } from './util.js';

/** Copies `values` of `shape` into a new array laid out with axes in `perm` order. */
export function permuteValues(values: TypedArray, shape: Shape, perm: readonly number[], dtype: DType): TypedArray {
  const rank = shape.length;
  const outShape = perm.map((axis) => shape[axis]);
  const inStrides = stridesOf(shape);
  const strides = perm.map((axis) => inStrides[axis]);
  const out = allocate(dtype, values.length);
  if (rank === 2 && perm[0] === 1) {
    const [rows, cols] = shape;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
    return out;
  }
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = values[source];
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      source += strides[axis];
      if (index[axis] < outShape[axis]) break;
      source -= strides[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
  return out;
}

export const transposeKernel: JsKernel<'transpose'> = ([x], attrs) => {
  const perm = attrs.perm;
  const values = permuteValues(x.data, x.shape, perm, x.dtype);
  return host(values, perm.map((axis) => x.shape[axis]), x.dtype);
};

/** Materialises a broadcast: the backward of sum/mean needs dy repeated over reduced axes. */
export const broadcastToKernel: JsKernel<'broadcastTo'> = ([x], attrs) => {
  const shape = attrs.shape;
  const strides = broadcastStrides(x.shape, shape);
  const input = x.data;
  const out = allocate(x.dtype, sizeOf(shape));
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = input[source];
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      source += strides[axis];
      if (index[axis] < shape[axis]) break;
      source -= strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
  return host(out, shape, x.dtype);
};

/** `slice(x, begin, size)`: a box of the input. */
export const sliceKernel: JsKernel<'slice'> = ([x], attrs) => {
  const begin = attrs.begin;
  const size = attrs.size;
  const input = x.data;
  const inStrides = stridesOf(x.shape);
  const out = allocate(x.dtype, sizeOf(size));
  const rank = size.length;
  if (out.length === 0) return host(out, size, x.dtype);
  const inner = rank === 0 ? 1 : size[rank - 1];
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o += inner) {
    let source = 0;
    for (let axis = 0; axis < rank; axis++) source += (begin[axis] + index[axis]) * inStrides[axis];
    for (let j = 0; j < inner; j++) out[o + j] = input[source + j];
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < size[axis]) break;
      index[axis] = 0;
    }
  }
  return host(out, size, x.dtype);
};

/** Adds `dy` into a zero tensor of the input's shape at `begin`: the backward of slice. */
export const sliceGradKernel: JsKernel<'sliceGrad'> = ([dy], attrs) => {
  const begin = attrs.begin;
  const shape = attrs.shape;
  const out = allocate(dy.dtype, sizeOf(shape));
  const strides = stridesOf(shape);
  const values = dy.data;
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < values.length; o++) {
    let target = 0;
    for (let axis = 0; axis < rank; axis++) target += (begin[axis] + index[axis]) * strides[axis];
    out[target] = values[o];
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis] < dy.shape[axis]) break;
      index[axis] = 0;
    }
  }
  return host(out, shape, dy.dtype);
};

export const concatKernel: JsKernel<'concat'> = (inputs, attrs) => {
  const axis = attrs.axis;
  const first = inputs[0];
  const shape = [...first.shape];
  shape[axis] = inputs.reduce((total, t) => total + t.shape[axis], 0);
  const dtype: DType = inputs.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
  const out = allocate(dtype, sizeOf(shape));
  const outer = sizeOf(shape.slice(0, axis));
  const outRow = sizeOf(shape.slice(axis));
  let offset = 0;
  for (const t of inputs) {
    const row = sizeOf(t.shape.slice(axis));
    const values = t.data;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < row; j++) out[o * outRow + offset + j] = values[o * row + j];
    }
    offset += row;
  }
  return host(out, shape, dtype);
};

/** Constant padding: `paddings[axis] = [before, after]`. */
export const padKernel: JsKernel<'pad'> = ([x], attrs) => {
  const paddings = attrs.paddings;
  const value = attrs.value;
  const shape = x.shape.map((dim, axis) => dim + paddings[axis][0] + paddings[axis][1]);
  const out = allocate(x.dtype, sizeOf(shape));
  if (value !== 0) out.fill(value);
  const outStrides = stridesOf(shape);
  const input = x.data;
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < input.length; i++) {
    let target = 0;
    for (let axis = 0; axis < rank; axis++) target += (index[axis] + paddings[axis][0]) * outStrides[axis];
    out[target] = input[i];
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis] < x.shape[axis]) break;
      index[axis] = 0;
    }
  }
  return host(out, shape, x.dtype);
};

/** Picks slices along `axis` by integer indices (given as a float tensor of whole numbers). */
export const gatherKernel: JsKernel<'gather'> = ([x, indices], attrs) => {
  const axis = attrs.axis;
  const idx = indices.data;
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const dim = x.shape[axis];
  const input = x.data;
  const out = allocate(x.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < idx.length; k++) {
      const source = (o * dim + idx[k]) * inner;
      const target = (o * idx.length + k) * inner;
      for (let j = 0; j < inner; j++) out[target + j] = input[source + j];
    }
  }
  return host(out, shape, x.dtype);
};

/** Scatter-adds `dy` back to the rows `gather` read: the backward of gather. */
export const gatherGradKernel: JsKernel<'gatherGrad'> = ([dy, indices], attrs) => {
  const axis = attrs.axis;
  const shape = attrs.shape;
  const idx = indices.data;
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const dim = shape[axis];
  const grad = dy.data;
  const out = allocate(dy.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < idx.length; k++) {
      const target = (o * dim + idx[k]) * inner;
      const source = (o * idx.length + k) * inner;
      for (let j = 0; j < inner; j++) out[target + j] += grad[source + j];
    }
  }
  return host(out, shape, dy.dtype);
};

export const oneHotKernel: JsKernel<'oneHot'> = ([indices], attrs) => {
  const depth = attrs.depth;
  const idx = indices.data;
  const out = allocate(indices.dtype, idx.length * depth);
  for (let i = 0; i < idx.length; i++) out[i * depth + idx[i]] = 1;
  return host(out, [...indices.shape, depth], indices.dtype);
};

export const castKernel: JsKernel<'cast'> = ([x], attrs) => {
  const dtype = attrs.dtype;
  const out = allocate(dtype, x.data.length);
  out.set(x.data);
  return host(out, x.shape, dtype);
};

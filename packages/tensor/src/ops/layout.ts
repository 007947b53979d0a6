import { record } from '../autograd/record.js';
import { isDType, type DType } from '../dtype.js';
import { engine } from '../engine.js';
import { ShapeError, TensorError } from '../errors.js';
import { broadcastShapes, formatShape, normalizeAxis, shapesEqual, sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { reshapeView, sumTo } from './reduce-to.js';

/** Same values, another shape of the same size; one dim may be -1 (inferred). Shares storage. */
export function reshape(value: TensorLike, shape: Shape): Tensor {
  const x = toTensor('reshape', value);
  const target = [...shape];
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    const known = sizeOf(target.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError('reshape', `cannot reshape ${formatShape(x.shape)} (${x.size} values) to ${formatShape(shape)}`);
    }
    target[unknown] = x.size / known;
  }
  if (target.some((dim) => !Number.isInteger(dim) || dim < 0) || sizeOf(target) !== x.size) {
    throw new ShapeError('reshape', `cannot reshape ${formatShape(x.shape)} (${x.size} values) to ${formatShape(shape)} (${sizeOf(target)} values)`);
  }
  if (shapesEqual(target, x.shape)) return x;
  const y = reshapeView(x, target);
  return record(y, 'reshape', [x], (dy) => [reshapeView(dy, x.shape)]);
}

/** [batch, ...] to [batch, rest]. */
export function flatten(value: TensorLike): Tensor {
  const x = toTensor('flatten', value);
  return reshape(x, [x.shape[0] ?? 1, -1]);
}

/** Reorders axes; without `perm`, reverses them (a matrix transpose). */
export function transpose(value: TensorLike, perm?: readonly number[]): Tensor {
  const x = toTensor('transpose', value);
  const order = perm === undefined ? x.shape.map((_, i) => x.rank - 1 - i) : perm.map((axis) => normalizeAxis('transpose', axis, x.rank));
  if (order.length !== x.rank || new Set(order).size !== x.rank) {
    throw new TensorError('transpose', `perm ${JSON.stringify(perm)} is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`);
  }
  if (order.every((axis, i) => axis === i)) return x;
  const y = engine.run('transpose', [x], { perm: order });
  const inverse = new Array<number>(order.length);
  order.forEach((axis, i) => (inverse[axis] = i));
  return record(y, 'transpose', [x], (dy) => [engine.run('transpose', [dy], { perm: inverse })]);
}

export const permute = transpose;

/** Inserts a size-1 axis at `axis`. */
export function expandDims(value: TensorLike, axis = 0): Tensor {
  const x = toTensor('expandDims', value);
  const position = normalizeAxis('expandDims', axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(position, 0, 1);
  return reshape(x, shape);
}

/** Removes size-1 axes (all of them, or those named). */
export function squeeze(value: TensorLike, axis?: number | readonly number[]): Tensor {
  const x = toTensor('squeeze', value);
  const axes = axis === undefined ? x.shape.flatMap((dim, i) => (dim === 1 ? [i] : [])) : (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis('squeeze', a, x.rank));
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new ShapeError('squeeze', `axis ${a} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Repeats size-1 (or missing leading) axes to reach `shape`. */
export function broadcastTo(value: TensorLike, shape: Shape): Tensor {
  const x = toTensor('broadcastTo', value);
  if (shapesEqual(x.shape, shape)) return x;
  const full = broadcastShapes('broadcastTo', x.shape, shape);
  if (!shapesEqual(full, shape)) throw new ShapeError('broadcastTo', `cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  const y = engine.run('broadcastTo', [x], { shape: [...shape] });
  return record(y, 'broadcastTo', [x], (dy) => [sumTo(dy, x.shape)]);
}

/**
 * A box of the input: `begin[i]` to `begin[i] + size[i]` on each axis; a size of -1 runs to the end.
 * Missing trailing entries take whole axes.
 */
export function slice(value: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const x = toTensor('slice', value);
  if (begin.length > x.rank) throw new ShapeError('slice', `begin ${JSON.stringify(begin)} has more entries than ${formatShape(x.shape)} has axes`);
  const start = x.shape.map((_, i) => begin[i] ?? 0);
  const extent = x.shape.map((dim, i) => {
    const wanted = size?.[i] ?? -1;
    return wanted === -1 ? dim - start[i] : wanted;
  });
  for (let i = 0; i < x.rank; i++) {
    if (start[i] < 0 || extent[i] < 0 || start[i] + extent[i] > x.shape[i]) {
      throw new ShapeError('slice', `begin ${JSON.stringify(start)} size ${JSON.stringify(extent)} is outside ${formatShape(x.shape)} (axis ${i})`);
    }
  }
  const y = engine.run('slice', [x], { begin: start, size: extent });
  return record(y, 'slice', [x], (dy) => [engine.run('sliceGrad', [dy], { begin: start, shape: [...x.shape] })]);
}

/** Joins tensors along an existing axis. */
export function concat(values: readonly TensorLike[], axis = 0): Tensor {
  if (values.length === 0) throw new TensorError('concat', 'needs at least one tensor');
  const xs = values.map((v) => toTensor('concat', v));
  const rank = xs[0].rank;
  const a = normalizeAxis('concat', axis, rank);
  xs.forEach((t, k) => {
    if (t.rank !== rank || t.shape.some((dim, i) => i !== a && dim !== xs[0].shape[i])) {
      throw new ShapeError('concat', `tensor ${k} has shape ${formatShape(t.shape)}, which does not match ${formatShape(xs[0].shape)} outside axis ${a}`);
    }
  });
  if (xs.length === 1) return xs[0];
  const y = engine.run('concat', xs, { axis: a });
  return record(y, 'concat', xs, (dy) => {
    let offset = 0;
    return xs.map((t) => {
      const begin = dy.shape.map((_, i) => (i === a ? offset : 0));
      offset += t.shape[a];
      return engine.run('slice', [dy], { begin, size: [...t.shape] });
    });
  });
}

/** Joins tensors of one shape along a new axis. */
export function stack(values: readonly TensorLike[], axis = 0): Tensor {
  if (values.length === 0) throw new TensorError('stack', 'needs at least one tensor');
  const xs = values.map((v) => toTensor('stack', v));
  const a = normalizeAxis('stack', axis, xs[0].rank + 1);
  xs.forEach((t, k) => {
    if (!shapesEqual(t.shape, xs[0].shape)) throw new ShapeError('stack', `tensor ${k} has shape ${formatShape(t.shape)}, tensor 0 has ${formatShape(xs[0].shape)}`);
  });
  return concat(xs.map((t) => expandDims(t, a)), a);
}

/** Rows (or slices along `axis`) picked by integer indices. */
export function gather(value: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const x = toTensor('gather', value);
  const idx = toTensor('gather', indices);
  const a = normalizeAxis('gather', axis, x.rank);
  checkIndices('gather', idx, x.shape[a], `axis ${a} of ${formatShape(x.shape)}`);
  const y = engine.run('gather', [x, idx], { axis: a });
  return record(y, 'gather', [x], (dy) => [engine.run('gatherGrad', [dy, idx], { axis: a, shape: [...x.shape] })]);
}

/** One-hot rows of length `depth` for integer class indices. */
export function oneHot(indices: TensorLike, depth: number): Tensor {
  const idx = toTensor('oneHot', indices);
  if (!Number.isInteger(depth) || depth <= 0) throw new TensorError('oneHot', `depth must be a positive integer, got ${depth}`);
  checkIndices('oneHot', idx, depth, `depth ${depth}`);
  return engine.run('oneHot', [idx], { depth });
}

function checkIndices(op: string, idx: Tensor, limit: number, what: string): void {
  const values = idx.borrowValues();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= limit) {
      throw new TensorError(op, `index ${v} at position ${i} is not a whole number in 0..${limit - 1} (${what})`);
    }
  }
}

/** Pads with a constant: `paddings[axis] = [before, after]`. */
export function pad(value: TensorLike, paddings: readonly (readonly [number, number])[], constant = 0): Tensor {
  const x = toTensor('pad', value);
  if (paddings.length !== x.rank || paddings.some(([b, e]) => !Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e < 0)) {
    throw new TensorError('pad', `paddings ${JSON.stringify(paddings)} must give [before, after] >= 0 for each of the ${x.rank} axes`);
  }
  const y = engine.run('pad', [x], { paddings: paddings.map(([b, e]) => [b, e]), value: constant });
  return record(y, 'pad', [x], (dy) => [engine.run('slice', [dy], { begin: paddings.map(([b]) => b), size: [...x.shape] })]);
}

/** The same values in another dtype; gradients are cast back. */
export function cast(value: TensorLike, dtype: DType): Tensor {
  const x = toTensor('cast', value);
  if (!isDType(dtype)) throw new TensorError('cast', `unknown dtype '${String(dtype)}'; use 'float32' or 'float64'`);
  if (x.dtype === dtype) return x;
  const y = engine.run('cast', [x], { dtype });
  return record(y, 'cast', [x], (dy) => [engine.run('cast', [dy], { dtype: x.dtype })]);
}

import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, equal, mul, sub, where } from './elementwise.js';
import { toTensor, type TensorLike } from './convert.js';
import { broadcastTo } from './layout.js';
import { reshapeView } from './reduce-to.js';
import { affine, exp, isFinite, log, square } from './elementwise.js';
import { noGrad } from '../autograd/mode.js';

export type Axes = number | readonly number[];

export interface ReduceOptions {
  /** Reduce these axes (negative counts from the end); all axes when omitted. */
  axis?: Axes;
  /** Keep reduced axes as size-1 dims (handy for broadcasting back). */
  keepDims?: boolean;
}

/** dy of a reduction, reshaped with size-1 dims and repeated over the reduced axes. */
function expandBack(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  return broadcastTo(reshapeView(dy, reducedShape(x.shape, axes, true)), x.shape);
}

export function sum(value: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = toTensor('sum', value);
  const axes = normalizeAxes('sum', options.axis, x.rank);
  const y = engine.run('sum', [x], { axes, keepDims: options.keepDims === true });
  return record(y, 'sum', [x], (dy) => [expandBack(dy, x, axes)]);
}

export function mean(value: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = toTensor('mean', value);
  const axes = normalizeAxes('mean', options.axis, x.rank);
  const count = sizeOf(axes.map((axis) => x.shape[axis]));
  return affine(sum(x, { ...options, axis: axes }), 1 / count, 0);
}

function extremum(kind: 'max' | 'min') {
  return (value: TensorLike, options: ReduceOptions = {}): Tensor => {
    const x = toTensor(kind, value);
    const axes = normalizeAxes(kind, options.axis, x.rank);
    if (axes.some((axis) => x.shape[axis] === 0)) throw new RangeError(`${kind}: cannot reduce an empty axis`);
    const y = engine.run(kind, [x], { axes, keepDims: options.keepDims === true });
    return record(y, kind, [x], (dy) => {
      // Ties share the gradient equally, so it sums to dy.
      const mask = equal(x, expandBack(y, x, axes));
      const count = expandBack(engine.run('sum', [mask], { axes, keepDims: false }), x, axes);
      return [div(mul(expandBack(dy, x, axes), mask), count)];
    });
  };
}

export const max = extremum('max');
export const min = extremum('min');

export function prod(value: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = toTensor('prod', value);
  const axes = normalizeAxes('prod', options.axis, x.rank);
  const y = engine.run('prod', [x], { axes, keepDims: options.keepDims === true });
  // d prod / d x_i is the product of the others: prod / x_i without zeros in the slice; with one
  // zero, the product of the non-zeros at that zero and 0 elsewhere; with more zeros, 0 everywhere.
  return record(y, 'prod', [x], (dy) => {
    const zero = equal(x, 0);
    const zeros = expandBack(engine.run('sum', [zero], { axes, keepDims: false }), x, axes);
    const nonZero = where(zero, 1, x);
    const others = expandBack(engine.run('prod', [nonZero], { axes, keepDims: false }), x, axes);
    const partial = where(zero, where(equal(zeros, 1), others, 0), where(equal(zeros, 0), div(others, nonZero), 0));
    return [mul(expandBack(dy, x, axes), partial)];
  });
}

function argExtremum(kind: 'max' | 'min') {
  const op = kind === 'max' ? 'argmax' : 'argmin';
  return (value: TensorLike, axis = -1, keepDims = false): Tensor => {
    const x = toTensor(op, value);
    return engine.run(op, [x], { axis: normalizeAxis(op, axis, x.rank), keepDims });
  };
}

/** Index of the largest value along an axis (ties: the first), as float values. */
export const argmax = argExtremum('max');
export const argmin = argExtremum('min');

/** log Σ exp(x), with the max subtracted first: logSumExp([1000, 1000]) is exactly 1000 + ln 2. */
export function logSumExp(value: TensorLike, options: ReduceOptions = {}): Tensor {
  const x = toTensor('logSumExp', value);
  const axes = normalizeAxes('logSumExp', options.axis, x.rank);
  // The shift is a constant for differentiation: its gradient contributions cancel exactly.
  const { result, shifted, total } = noGrad(() => {
    const shift = engine.run('max', [x], { axes, keepDims: true });
    // An all -inf slice keeps shift 0 so the result is -inf, not NaN.
    const finiteShift = where(isFinite(shift), shift, 0);
    const e = exp(sub(x, finiteShift));
    const s = sum(e, { axis: axes, keepDims: true });
    return { result: add(log(s), finiteShift), shifted: e, total: s };
  });
  // The gradient is softmax(x) = exp(x − shift) / Σ exp(x − shift), from the exact shifted
  // exponentials (exp(x − result) would carry result's rounding error). An all -inf slice
  // (total 0) gets gradient 0, not 0/0.
  const out = record(result, 'logSumExp', [x], (dy) => [
    mul(expandBack(dy, x, axes), div(shifted, where(equal(total, 0), 1, total))),
  ]);
  return options.keepDims === true ? out : reshapeKeepingGrad(out, reducedShape(x.shape, axes, false));
}

/** Population variance (divide by n) by default; `unbiased` divides by n - 1. */
export function variance(value: TensorLike, options: ReduceOptions & { unbiased?: boolean } = {}): Tensor {
  const x = toTensor('variance', value);
  const axes = normalizeAxes('variance', options.axis, x.rank);
  const count = sizeOf(axes.map((axis) => x.shape[axis]));
  const centered = sub(x, mean(x, { axis: axes, keepDims: true }));
  const total = sum(square(centered), { axis: axes, keepDims: options.keepDims === true });
  return affine(total, 1 / (options.unbiased === true ? count - 1 : count), 0);
}

function reshapeKeepingGrad(t: Tensor, shape: number[]): Tensor {
  const view = reshapeView(t, shape);
  return record(view, 'reshape', [t], (dy) => [reshapeView(dy, t.shape)]);
}

import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { div, mul } from './binary.js';
import { toTensor, type TensorLike } from './convert.js';

type UnaryGrad = (x: Tensor, y: Tensor, dy: Tensor) => Tensor;

/** An elementwise op and its gradient written against named values: x (input), y (output), dy. */
function unaryOp(name: string, grad?: UnaryGrad): (x: TensorLike) => Tensor {
  return (value) => {
    const x = toTensor(name, value);
    const y = engine.run(name, [x]);
    return grad === undefined ? y : record(y, name, [x], (dy) => [grad(x, y, dy)]);
  };
}

export const neg = unaryOp('neg', (_x, _y, dy) => neg(dy));
export const abs = unaryOp('abs', (x, _y, dy) => mul(dy, sign(x)));
/** Piecewise constant: no gradient flows through sign, step, floor, ceil, round. */
export const sign = unaryOp('sign');
export const step = unaryOp('step');
export const floor = unaryOp('floor');
export const ceil = unaryOp('ceil');
export const round = unaryOp('round');
/** 1 where the value is finite, else 0. */
export const isFinite = unaryOp('isFinite');
export const exp = unaryOp('exp', (_x, y, dy) => mul(dy, y));
export const expm1 = unaryOp('expm1', (_x, y, dy) => mul(dy, affine(y, 1, 1)));
export const log = unaryOp('log', (x, _y, dy) => div(dy, x));
export const log1p = unaryOp('log1p', (x, _y, dy) => div(dy, affine(x, 1, 1)));
export const sqrt = unaryOp('sqrt', (_x, y, dy) => div(dy, affine(y, 2, 0)));
export const rsqrt = unaryOp('rsqrt', (_x, y, dy) => mul(dy, affine(mul(y, mul(y, y)), -0.5, 0)));
export const square = unaryOp('square', (x, _y, dy) => mul(dy, affine(x, 2, 0)));
export const reciprocal = unaryOp('reciprocal', (_x, y, dy) => neg(mul(dy, square(y))));
export const sin = unaryOp('sin', (x, _y, dy) => mul(dy, cos(x)));
export const cos = unaryOp('cos', (x, _y, dy) => neg(mul(dy, sin(x))));
export const tanh = unaryOp('tanh', (_x, y, dy) => mul(dy, affine(square(y), -1, 1)));
/** The derivative uses the output: σ'(x) = y(1 − y), so it cannot be applied to the wrong value. */
export const sigmoid = unaryOp('sigmoid', (_x, y, dy) => mul(dy, mul(y, affine(y, -1, 1))));
export const softplus = unaryOp('softplus', (x, _y, dy) => mul(dy, sigmoid(x)));
export const relu = unaryOp('relu', (x, _y, dy) => mul(dy, step(x)));
export const erf = unaryOp('erf', (x, _y, dy) => mul(dy, affine(exp(neg(square(x))), 2 / Math.sqrt(Math.PI), 0)));

/** x · scale + offset in one pass. */
export function affine(value: TensorLike, scale: number, offset: number): Tensor {
  const x = toTensor('affine', value);
  const y = engine.run('affine', [x], { scale, offset });
  return record(y, 'affine', [x], (dy) => [scale === 1 ? dy : affine(dy, scale, 0)]);
}

/** Clamps to [low, high]; the gradient flows where the input is inside the range. */
export function clip(value: TensorLike, low: number, high: number): Tensor {
  const x = toTensor('clip', value);
  if (!(low <= high)) throw new RangeError(`clip: low (${low}) must not exceed high (${high})`);
  const y = engine.run('clip', [x], { low, high });
  return record(y, 'clip', [x], (dy) => [mul(dy, engine.run('insideRange', [x], { low, high }))]);
}


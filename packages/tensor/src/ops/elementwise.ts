// The elementwise ops, of one input and of two (broadcasting), with their gradients. One module:
// each family's gradients are written with the other's ops (tanh' uses mul, add with a number is
// an affine pass), so apart they would import each other.
import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { TensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { toTensor, toTensorPair, type TensorLike } from './convert.js';
import { zerosLike } from './creation.js';
import { sumTo } from './reduce-to.js';

// ---- one input ----------------------------------------------------------------------------------

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

// ---- two inputs (broadcasting) ------------------------------------------------------------------

type BinaryGrad = (a: Tensor, b: Tensor, y: Tensor, dy: Tensor) => [Tensor | null, Tensor | null];

/** A broadcasting elementwise op; gradients are summed back to each operand's own shape. */
function binaryOp(name: string, grad?: BinaryGrad): (a: TensorLike, b: TensorLike) => Tensor {
  return (first, second) => {
    const [a, b] = toTensorPair(name, first, second);
    const y = engine.run(name, [a, b]);
    if (grad === undefined) return y;
    return record(y, name, [a, b], (dy) => {
      const [ga, gb] = grad(a, b, y, dy);
      return [ga === null ? null : sumTo(ga, a.shape), gb === null ? null : sumTo(gb, b.shape)];
    });
  };
}

const addOp = binaryOp('add', (_a, _b, _y, dy) => [dy, dy]);
const subOp = binaryOp('sub', (_a, _b, _y, dy) => [dy, neg(dy)]);
// Each side's gradient is computed only if that side needs one.
const mulOp = binaryOp('mul', (a, b, _y, dy) => [a.requiresGrad ? mul(dy, b) : null, b.requiresGrad ? mul(dy, a) : null]);
const divOp = binaryOp('div', (a, b, y, dy) => [a.requiresGrad ? div(dy, b) : null, b.requiresGrad ? neg(div(mul(dy, y), b)) : null]);

/** A plain number operand takes the affine shortcut, so it is checked here as toTensor would. */
function finiteScalar(op: string, value: number): number {
  if (!Number.isFinite(value)) throw new TensorError(op, `the scalar operand ${String(value)} is not finite`);
  return value;
}

/** a + b (broadcasting). A plain number operand becomes one fused scale-and-shift pass. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return affine(a, 1, finiteScalar('add', b));
  if (typeof a === 'number') return affine(b, 1, finiteScalar('add', a));
  return addOp(a, b);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return affine(a, 1, -finiteScalar('sub', b));
  if (typeof a === 'number') return affine(b, -1, finiteScalar('sub', a));
  return subOp(a, b);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') return affine(a, finiteScalar('mul', b), 0);
  if (typeof a === 'number') return affine(b, finiteScalar('mul', a), 0);
  return mulOp(a, b);
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') {
    finiteScalar('div', b);
    if (b === 0) throw new RangeError('div: division by the scalar 0');
    return affine(a, 1 / b, 0);
  }
  if (typeof a === 'number') return mul(reciprocal(toTensor('div', b)), finiteScalar('div', a));
  return divOp(a, b);
}

/** a ** b. The gradient for b uses log(a), defined where a > 0. */
export const pow = binaryOp('pow', (a, b, y, dy) => [
  mul(dy, mul(b, pow(a, affine(b, 1, -1)))),
  b.requiresGrad ? mul(dy, mul(y, log(a))) : null,
]);

/** Elementwise max; where a and b tie the gradient goes to a. */
export const maximum = binaryOp('maximum', (a, b, _y, dy) => {
  const mask = greaterEqual(a, b);
  return [mul(dy, mask), mul(dy, affine(mask, -1, 1))];
});

/** Elementwise min; where a and b tie the gradient goes to a. */
export const minimum = binaryOp('minimum', (a, b, _y, dy) => {
  const mask = lessEqual(a, b);
  return [mul(dy, mask), mul(dy, affine(mask, -1, 1))];
});

/** Comparisons give 1 or 0 and pass no gradient. */
export const equal = binaryOp('equal');
export const notEqual = binaryOp('notEqual');
export const less = binaryOp('less');
export const lessEqual = binaryOp('lessEqual');
export const greater = binaryOp('greater');
export const greaterEqual = binaryOp('greaterEqual');

/** a where `condition` is non-zero, else b (all three broadcast). */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = toTensor('where', condition);
  const [x, y] = toTensorPair('where', a, b);
  const out = engine.run('where', [c, x, y]);
  return record(out, 'where', [c, x, y], (dy) => {
    // Real zeros, not dy·0: an infinite dy must not turn the unselected branch into NaN.
    const zero = zerosLike(dy);
    return [null, sumTo(engine.run('where', [c, dy, zero]), x.shape), sumTo(engine.run('where', [c, zero, dy]), y.shape)];
  });
}

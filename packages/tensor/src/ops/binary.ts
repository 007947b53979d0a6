import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { TensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { toTensor, toTensorPair, type TensorLike } from './convert.js';
import { zerosLike } from './creation.js';
import { sumTo } from './reduce-to.js';
import { affine, log, neg, reciprocal } from './unary.js';

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


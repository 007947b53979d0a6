import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { ShapeError, TensorError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { affine } from './elementwise.js';

/**
 * a·x + b·y for two tensors of one shape, in one pass: an optimizer's update (p − lr·u, a momentum
 * trace g + μ·v, a moment b1·m + (1 − b1)·g) without the two scaled copies and the sum the
 * separate ops would write. Each scaled term rounds to the dtype before the sum, so results equal
 * `add(mul(x, a), mul(y, b))` exactly.
 */
export function axpby(xValue: TensorLike, yValue: TensorLike, a: number, b: number): Tensor {
  const x = toTensor('axpby', xValue);
  const y = toTensor('axpby', yValue);
  if (!shapesEqual(x.shape, y.shape)) throw new ShapeError('axpby', `x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have one shape (axpby does not broadcast)`);
  if (x.dtype !== y.dtype) throw new TypeError(`axpby: x is ${x.dtype} but y is ${y.dtype}; convert one with cast()`);
  for (const [name, value] of [['a', a], ['b', b]] as const) {
    if (!Number.isFinite(value)) throw new TensorError('axpby', `the scale ${name} = ${String(value)} is not finite`);
  }
  const out = engine.run('axpby', [x, y], { a, b });
  return record(out, 'axpby', [x, y], (dy) => [affine(dy, a, 0), affine(dy, b, 0)]);
}

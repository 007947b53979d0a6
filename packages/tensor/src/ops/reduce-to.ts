import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { ShapeError } from '../errors.js';
import { formatShape, shapesEqual, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Sums a broadcast gradient back to `shape`: over leading axes the input lacked and over axes
 * where it had size 1. This is why a bias [out] added to [batch, out] gets a gradient [out]
 * summed over the batch — the bias-gradient bug cannot happen.
 */
export function sumTo(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  if (lead < 0 || shape.some((dim, i) => dim !== 1 && dim !== grad.shape[i + lead])) {
    throw new ShapeError('sumTo', `${formatShape(grad.shape)} was not broadcast from ${formatShape(shape)}, so it cannot be summed back to it`);
  }
  const axes: number[] = [];
  for (let axis = 0; axis < grad.rank; axis++) {
    if (axis < lead || (shape[axis - lead] === 1 && grad.shape[axis] !== 1)) axes.push(axis);
  }
  const summed = reshapeView(engine.run('sum', [grad], { axes, keepDims: true }), shape);
  // Free inside backward passes (recording is off there); differentiable when users call it.
  return record(summed, 'sumTo', [grad], (dy) => [engine.run('broadcastTo', [dy], { shape: [...grad.shape] })]);
}

/** The same storage under another shape of equal size (no copy; the caller checked the size). */
export function reshapeView(t: Tensor, shape: Shape): Tensor {
  return Tensor.view(t, shape);
}

import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './elementwise.js';
import { toTensor, type TensorLike } from './convert.js';
import { sum } from './reduce.js';
import { exp } from './elementwise.js';

/** softmax along `axis` (default last), max-subtracted: softmax([1000, 0]) is [1, 0]. */
export function softmax(value: TensorLike, axis = -1): Tensor {
  const x = toTensor('softmax', value);
  const a = normalizeAxis('softmax', axis, x.rank);
  const y = engine.run('softmax', [x], { axis: a });
  // dx = y ⊙ (dy − Σ dy⊙y)
  return record(y, 'softmax', [x], (dy) => [mul(y, sub(dy, sum(mul(dy, y), { axis: a, keepDims: true })))]);
}

/** log(softmax(x)) computed directly, so it stays finite where softmax underflows to 0. */
export function logSoftmax(value: TensorLike, axis = -1): Tensor {
  const x = toTensor('logSoftmax', value);
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  const y = engine.run('logSoftmax', [x], { axis: a });
  // dx = dy − softmax(x) · Σ dy
  return record(y, 'logSoftmax', [x], (dy) => [sub(dy, mul(exp(y), sum(dy, { axis: a, keepDims: true })))]);
}

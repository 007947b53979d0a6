import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensorPair, type TensorLike } from './convert.js';
import { sumTo } from './reduce-to.js';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product of [..., m, k] and [..., k, n]; leading (batch) dims broadcast.
 * `transposeA`/`transposeB` use the transpose of an operand without copying it.
 */
export function matmul(first: TensorLike, second: TensorLike, options: MatmulOptions = {}): Tensor {
  const [a, b] = toTensorPair('matmul', first, second);
  const ta = options.transposeA === true;
  const tb = options.transposeB === true;
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError('matmul', `needs operands of rank 2 or more, got ${formatShape(a.shape)} x ${formatShape(b.shape)} (use expandDims for vectors)`);
  }
  const k1 = ta ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const k2 = tb ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  if (k1 !== k2) {
    const t = (flag: boolean): string => (flag ? 'ᵀ' : '');
    throw new ShapeError('matmul', `inner dimensions differ: ${formatShape(a.shape)}${t(ta)} x ${formatShape(b.shape)}${t(tb)} (${k1} vs ${k2})`);
  }
  broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const y = engine.run('matmul', [a, b], { transposeA: ta, transposeB: tb });
  return record(y, 'matmul', [a, b], (dy) => {
    // dA and dB for each transposition case, each itself one (possibly transposed) matmul.
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      da = ta ? mm(b, dy, tb, true) : mm(dy, b, false, !tb);
      da = sumTo(da, a.shape);
    }
    if (b.requiresGrad) {
      db = tb ? mm(dy, a, true, ta) : mm(a, dy, !ta, false);
      db = sumTo(db, b.shape);
    }
    return [da, db];
  });
}

function mm(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return engine.run('matmul', [a, b], { transposeA, transposeB });
}

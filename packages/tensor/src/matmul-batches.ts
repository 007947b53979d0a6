// Which matrices a batched matmul multiplies: for [..., m, k] x [..., k, n] with broadcast batch
// axes, the index of the A and the B matrix behind each output matrix. Every backend's matmul
// kernel walks the same pairs; only its gemm differs.
import { broadcastShapes, broadcastStrides, sizeOf, stridesOf, type Shape } from './shape.js';

export interface MatmulBatches {
  /** The broadcast batch shape of the output. */
  readonly batch: number[];
  /** For output matrix t, the index of its A matrix (multiply by m·k for the element offset). */
  readonly a: readonly number[];
  /** For output matrix t, the index of its B matrix (multiply by k·n for the element offset). */
  readonly b: readonly number[];
}

// The common case, a single matrix product, allocates no index arrays.
const SINGLE: readonly number[] = Object.freeze([0]);

export function matmulBatches(aBatch: Shape, bBatch: Shape): MatmulBatches {
  const batch = broadcastShapes('matmul', aBatch, bBatch);
  const count = sizeOf(batch);
  if (count === 1) return { batch, a: SINGLE, b: SINGLE };
  const aStrides = broadcastStrides(aBatch, batch);
  const bStrides = broadcastStrides(bBatch, batch);
  const outStrides = stridesOf(batch);
  const a = new Array<number>(count);
  const b = new Array<number>(count);
  for (let t = 0; t < count; t++) {
    let ai = 0;
    let bi = 0;
    let rest = t;
    for (let axis = 0; axis < batch.length; axis++) {
      const coordinate = Math.floor(rest / outStrides[axis]);
      rest -= coordinate * outStrides[axis];
      ai += coordinate * aStrides[axis];
      bi += coordinate * bStrides[axis];
    }
    a[t] = ai;
    b[t] = bi;
  }
  return { batch, a, b };
}

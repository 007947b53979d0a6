import type { KernelFn } from '../../backend/backend.js';
import { promote } from '../../dtype.js';
import { broadcastShapes, sizeOf, stridesOf } from '../../shape.js';
import { gemm, packingBuffer } from './gemm.js';
import { allocate, broadcastStrides, jsTensor } from './util.js';

/**
 * Batched matrix product of [..., m, k] and [..., k, n] (either side optionally transposed);
 * batch dimensions broadcast. Shapes are checked by the op before it gets here.
 */
export const matmulKernel: KernelFn = ([a, b], attrs) => {
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const ra = a.rank;
  const rb = b.rank;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShapes('matmul', aBatch, bBatch);
  const dtype = promote(a.dtype, b.dtype);
  const out = allocate(dtype, sizeOf(batch) * m * n);
  const av = a.values;
  const bv = b.values;
  // Strides of one matrix: (row, column) of the logical A and B after transposition.
  const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
  const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
  const packed = packingBuffer(k * (n - (n & 3)) + 4);
  const batches = sizeOf(batch);
  const aBatchStrides = broadcastStrides(aBatch, batch);
  const bBatchStrides = broadcastStrides(bBatch, batch);
  const outBatchStrides = stridesOf(batch);
  for (let t = 0; t < batches; t++) {
    let aIndex = 0;
    let bIndex = 0;
    let rest = t;
    for (let axis = 0; axis < batch.length; axis++) {
      const coordinate = Math.floor(rest / outBatchStrides[axis]);
      rest -= coordinate * outBatchStrides[axis];
      aIndex += coordinate * aBatchStrides[axis];
      bIndex += coordinate * bBatchStrides[axis];
    }
    gemm(av, aIndex * m * k, aRow, aCol, bv, bIndex * k * n, bRow, bCol, out, t * m * n, m, n, k, packed);
  }
  return jsTensor(out, [...batch, m, n], dtype);
};

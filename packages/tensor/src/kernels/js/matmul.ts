import { promote } from '../../dtype.js';
import { matmulBatches } from '../../matmul-batches.js';
import { gemm, packingBuffer } from './gemm.js';
import { allocate, host, type JsKernel } from './util.js';

/**
 * Batched matrix product of [..., m, k] and [..., k, n] (either side optionally transposed);
 * batch dimensions broadcast. Shapes are checked by the op before it gets here.
 */
export const matmulKernel: JsKernel<'matmul'> = ([a, b], attrs) => {
  const transposeA = attrs.transposeA;
  const transposeB = attrs.transposeB;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const { batch, a: aIndex, b: bIndex } = matmulBatches(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const dtype = promote(a.dtype, b.dtype);
  const out = allocate(dtype, aIndex.length * m * n);
  const av = a.data;
  const bv = b.data;
  // Strides of one matrix: (row, column) of the logical A and B after transposition.
  const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
  const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
  const packed = packingBuffer(k * (n - (n & 3)) + 4);
  for (let t = 0; t < aIndex.length; t++) {
    gemm(av, aIndex[t] * m * k, aRow, aCol, bv, bIndex[t] * k * n, bRow, bCol, out, t * m * n, m, n, k, packed);
  }
  return host(out, [...batch, m, n], dtype);
};

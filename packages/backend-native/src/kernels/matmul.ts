import { matmulBatches } from '@keel/tensor';
import { f32, kernel } from './kernel.js';

/**
 * Batched [..., m, k] × [..., k, n] through cblas_sgemm, transposes passed to the BLAS as flags
 * (the backward pass's xᵀ·dy and dy·Wᵀ read the stored tensors as they are); batch dims broadcast.
 */
export const matmulKernel = kernel('matmul', (backend, [a, b], attrs) => {
  const transposeA = attrs.transposeA;
  const transposeB = attrs.transposeB;
  const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const { batch, a: aIndex, b: bIndex } = matmulBatches(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const { record, values } = backend.output([...batch, m, n]);
  const av = f32(a);
  const bv = f32(b);
  for (let t = 0; t < aIndex.length; t++) {
    backend.addon.gemm(av, aIndex[t] * m * k, bv, bIndex[t] * k * n, values, t * m * n, m, n, k, transposeA, transposeB);
  }
  return record;
});

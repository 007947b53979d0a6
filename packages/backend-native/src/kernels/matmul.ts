import { broadcastShapes, sizeOf, stridesOf } from '@keel/tensor';
import { broadcastStrides } from './geometry.js';
import { f32, kernel } from './kernel.js';

/**
 * Batched [..., m, k] × [..., k, n] through cblas_sgemm, transposes passed to the BLAS as flags
 * (the backward pass's xᵀ·dy and dy·Wᵀ read the stored tensors as they are); batch dims broadcast.
 */
export const matmulKernel = kernel('matmul', (backend, [a, b], attrs) => {
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShapes('matmul', aBatch, bBatch);
  const { tensor, values } = backend.output([...batch, m, n]);
  const av = f32(a);
  const bv = f32(b);
  const batches = sizeOf(batch);
  if (batches === 1) {
    backend.addon.gemm(av, 0, bv, 0, values, 0, m, n, k, transposeA, transposeB);
    return tensor;
  }
  const aStrides = broadcastStrides(aBatch, batch);
  const bStrides = broadcastStrides(bBatch, batch);
  const outStrides = stridesOf(batch);
  for (let t = 0; t < batches; t++) {
    let ai = 0;
    let bi = 0;
    let rest = t;
    for (let axis = 0; axis < batch.length; axis++) {
      const coordinate = Math.floor(rest / outStrides[axis]);
      rest -= coordinate * outStrides[axis];
      ai += coordinate * aStrides[axis];
      bi += coordinate * bStrides[axis];
    }
    backend.addon.gemm(av, ai * m * k, bv, bi * k * n, values, t * m * n, m, n, k, transposeA, transposeB);
  }
  return tensor;
});

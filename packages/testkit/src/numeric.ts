import { noGrad, Tensor } from '@keel/tensor';

/** Largest |a − b| relative to max(1, |b|) over two equal-length arrays. */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): { error: number; index: number } {
  let error = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (e > error || Number.isNaN(e)) {
      error = Number.isNaN(e) ? Infinity : e;
      index = i;
    }
  }
  return { error, index };
}

export function allFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * Central differences of a scalar function with respect to some elements of `target`,
 * perturbing its values in place (and restoring them).
 */
export function numericGradient(target: Tensor, indices: readonly number[], loss: () => number, eps = 1e-6): number[] {
  const original = target.dataSync();
  const at = (i: number, delta: number): number => {
    const shifted = original.slice();
    shifted[i] += delta;
    noGrad(() => target.assign(Tensor.fromValues(shifted, target.shape, target.dtype, target.backend)));
    return loss();
  };
  const result = indices.map((i) => (at(i, eps) - at(i, -eps)) / (2 * eps));
  noGrad(() => target.assign(Tensor.fromValues(original, target.shape, target.dtype, target.backend)));
  return result;
}

/** Up to `count` evenly spread element indices of an array of `size`. */
export function sampleIndices(size: number, count: number): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * size) / count));
}

import { Random, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { init, thrown } from './helpers.js';

/** The largest |(MᵀM − I)ᵢⱼ| for a [rows, cols] matrix (or MMᵀ when `byRows`). */
function offIdentity(t: Tensor, rows: number, cols: number, byRows = false, scale = 1): number {
  const v = t.values;
  const n = byRows ? rows : cols;
  const len = byRows ? cols : rows;
  const at = (vector: number, k: number): number => (byRows ? v[vector * cols + k] : v[k * cols + vector]);
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let k = 0; k < len; k++) dot += at(a, k) * at(b, k);
      worst = Math.max(worst, Math.abs(dot / (scale * scale) - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthogonal', () => {
  it('a tall matrix has orthonormal columns: QᵀQ = I', () => {
    expect(offIdentity(init('orthogonal', [256, 64], 3, { dtype: 'float64' }), 256, 64)).toBeLessThan(1e-12);
    expect(offIdentity(init('orthogonal', [256, 64], 3), 256, 64)).toBeLessThan(1e-5);
  });

  it('a square matrix is orthogonal', () => {
    expect(offIdentity(init('orthogonal', [50, 50], 4, { dtype: 'float64' }), 50, 50)).toBeLessThan(1e-12);
    expect(offIdentity(init('orthogonal', [50, 50], 4, { dtype: 'float64' }), 50, 50, true)).toBeLessThan(1e-12);
  });

  it('a wide matrix has orthonormal rows: QQᵀ = I', () => {
    expect(offIdentity(init('orthogonal', [16, 100], 5, { dtype: 'float64' }), 16, 100, true)).toBeLessThan(1e-12);
  });

  it('a conv kernel [3, 3, 8, 16] is flattened to [72, 16]', () => {
    const q = init('orthogonal', [3, 3, 8, 16], 6, { dtype: 'float64' });
    expect(q.shape).toEqual([3, 3, 8, 16]);
    expect(offIdentity(q, 72, 16)).toBeLessThan(1e-12);
  });

  it('scales by gain', () => {
    const q = init({ id: 'orthogonal', gain: Math.SQRT2 }, [40, 20], 7, { dtype: 'float64' });
    expect(offIdentity(q, 40, 20, false, Math.SQRT2)).toBeLessThan(1e-12);
  });

  it('is random: seeds give different matrices, one seed the same one', () => {
    const a = Array.from(init('orthogonal', [10, 10], 1).values);
    expect(Array.from(init('orthogonal', [10, 10], 1).values)).toEqual(a);
    expect(Array.from(init('orthogonal', [10, 10], 2).values)).not.toEqual(a);
  });

  it('has no preferred sign: the first column is as often positive as negative (R diagonal made positive)', () => {
    let positive = 0;
    for (let seed = 0; seed < 200; seed++) if (init('orthogonal', [4, 4], seed).values[0] > 0) positive++;
    expect(positive).toBeGreaterThan(70);
    expect(positive).toBeLessThan(130);
  });

  it('needs rank 2 or more', () => {
    expect(thrown(() => init('orthogonal', [5])).message).toBe("initializer 'orthogonal' needs a shape of rank 2 or more, got [5]");
  });

  it('handles empty shapes', () => {
    expect(init('orthogonal', [0, 4], 1, { random: new Random(1) }).shape).toEqual([0, 4]);
  });
});

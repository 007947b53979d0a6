import { describe, expect, it } from 'vitest';
import { applyStandardize, fitStandardize, normalizeRange, oneHotLabels, twoMoons } from '../src/index.js';
import { thrown } from './helpers/idx-writer.js';

describe('normalizeRange', () => {
  it('maps pixels 0..255 onto 0..1', () => {
    const out = normalizeRange(Uint8Array.of(0, 51, 255, 102), 0, 255);
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual([0, 0.2, 1, 0.4].map(Math.fround));
  });

  it('maps any interval and does not clamp', () => {
    expect(Array.from(normalizeRange([-1, 0, 3], -1, 1))).toEqual([0, 0.5, 2]);
  });

  it('rejects an empty range', () => {
    expect(thrown(() => normalizeRange([1], 3, 3)).message).toBe('normalizeRange needs finite min < max, got min 3 and max 3');
  });
});

describe('fitStandardize / applyStandardize', () => {
  it('computes per-feature mean and population deviation', () => {
    const data = [1, 10, 3, 10, 5, 10]; // rows [1, 10], [3, 10], [5, 10]
    const stats = fitStandardize(data, 2);
    expect(Array.from(stats.mean)).toEqual([3, 10]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(stats.std[1]).toBe(1); // constant feature
    const out = applyStandardize(data, stats);
    expect(out[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 6);
    expect(out[4]).toBeCloseTo(2 / Math.sqrt(8 / 3), 6);
    expect([out[1], out[3], out[5]]).toEqual([0, 0, 0]);
  });

  it('gives zero mean and unit deviation per feature on real points, with train stats reused on test', () => {
    const train = twoMoons({ n: 500, seed: 1 });
    const stats = fitStandardize(train.x, 2);
    const out = applyStandardize(train.x, stats);
    for (const j of [0, 1]) {
      const column = Array.from({ length: 500 }, (_, i) => out[2 * i + j]);
      const mean = column.reduce((a, b) => a + b) / 500;
      const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / 500);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(std).toBeCloseTo(1, 4);
    }
    const test = twoMoons({ n: 100, seed: 2 });
    expect(applyStandardize(test.x, stats)[0]).toBeCloseTo((test.x[0] - stats.mean[0]) / stats.std[0], 5);
  });

  it('rejects data that is not whole rows', () => {
    expect(thrown(() => fitStandardize([1, 2, 3], 2)).message).toBe(
      'data has 3 values, which is not a whole, non-zero number of rows of 2 features',
    );
  });
});

describe('oneHotLabels', () => {
  it('sets one 1 per row at the label', () => {
    expect(Array.from(oneHotLabels(Uint8Array.of(2, 0, 1), 3))).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it('names the index and value of a label out of range', () => {
    expect(thrown(() => oneHotLabels([1, 2, 3, 4, 5, 12], 10)).message).toBe(
      'label at index 5 is 12, but classes is 10 (labels must be integers 0..9)',
    );
    expect(thrown(() => oneHotLabels([0.5], 2)).message).toBe('label at index 0 is 0.5, but classes is 2 (labels must be integers 0..1)');
  });
});

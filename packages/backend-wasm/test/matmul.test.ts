import { matmul, normal, uniform, type Tensor } from '@keel/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { close, install, on } from './helpers.js';

beforeAll(() => install());

/** The same seeded operands on both backends; the product on 'wasm' against 'js' (which accumulates in float64). */
function compare(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean, seed = 1): { ok: boolean; error: number } {
  const make = (): [Tensor, Tensor] => [uniform(aShape, -1, 1, { seed }), uniform(bShape, -1, 1, { seed: seed + 1 })];
  const expected = on('js', () => {
    const [a, b] = make();
    return matmul(a, b, { transposeA, transposeB });
  });
  return on('wasm', () => {
    const [a, b] = make();
    const actual = matmul(a, b, { transposeA, transposeB });
    expect(actual.backend.name).toBe('wasm');
    expect(actual.shape).toEqual(expected.shape);
    const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
    return close(actual, expected, 1e-4, 2e-6 * Math.max(1, Math.sqrt(k)) * 4);
  });
}

const shape = (rows: number, cols: number, transposed: boolean): number[] => (transposed ? [cols, rows] : [rows, cols]);

describe('matmul on wasm against js', () => {
  // odd sizes around the micro-tile (4×8) and the cache blocks (k 256, m 128, n 512)
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 1], [3, 5, 2], [4, 8, 8], [5, 7, 9], [13, 17, 11], [31, 33, 65], [64, 784, 128],
    [129, 257, 130], [130, 300, 520], [200, 513, 9], [7, 1, 300], [1, 600, 1030],
  ];
  for (const [m, k, n] of sizes) {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${m}x${k}x${n}${transposeA ? ' transposeA' : ''}${transposeB ? ' transposeB' : ''}`, () => {
        const result = compare(shape(m, k, transposeA), shape(k, n, transposeB), transposeA, transposeB, m + k + n);
        expect(result.ok, `max error ${result.error}`).toBe(true);
      });
    }
  }

  it('batched, with broadcast batch dims and transposes', () => {
    expect(compare([2, 1, 5, 7], [3, 7, 6], false, false).ok).toBe(true);
    expect(compare([3, 7, 5], [3, 6, 7], true, true).ok).toBe(true);
    expect(compare([4, 9, 10], [10, 3], false, false).ok).toBe(true);
  });

  it('k = 0 gives zeros, and empty results work', () => {
    on('wasm', () => {
      expect(matmul(uniform([3, 0], -1, 1), uniform([0, 2], -1, 1)).toArray()).toEqual([[0, 0], [0, 0], [0, 0]]);
      expect(matmul(uniform([0, 4], -1, 1), uniform([4, 2], -1, 1)).shape).toEqual([0, 2]);
    });
  });

  it('is deterministic: the same inputs give the same bits', () => {
    on('wasm', () => {
      const a = normal([67, 301], 0, 1, { seed: 5 });
      const b = normal([301, 45], 0, 1, { seed: 6 });
      expect([...matmul(a, b).values]).toEqual([...matmul(a, b).values]);
    });
  });

  it('float64 operands run on the js kernels and stay float64', () => {
    const expected = on('js', () => matmul(normal([5, 6], 0, 1, { seed: 1, dtype: 'float64' }), normal([6, 3], 0, 1, { seed: 2, dtype: 'float64' })));
    on('wasm', () => {
      const actual = matmul(normal([5, 6], 0, 1, { seed: 1, dtype: 'float64' }), normal([6, 3], 0, 1, { seed: 2, dtype: 'float64' }));
      expect(actual.dtype).toBe('float64');
      expect(actual.backend.name).toBe('wasm');
      expect([...actual.values]).toEqual([...expected.values]);
    });
  });
});

import { matmul, normal, uniform } from '@keel/tensor';
import { checkMatmulAgainstJs, MATMUL_CHECK_SIZES, type MatmulCheck } from '@keel/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { install, on } from './helpers.js';

beforeAll(() => install());

/** The product on 'wasm' against 'js', for the same seeded operands. */
const compare = (aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean, seed = 1): MatmulCheck =>
  checkMatmulAgainstJs('wasm', aShape, bShape, { transposeA, transposeB, seed });

const shape = (rows: number, cols: number, transposed: boolean): number[] => (transposed ? [cols, rows] : [rows, cols]);

describe('matmul on wasm against js', () => {
  for (const [m, k, n] of MATMUL_CHECK_SIZES) {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${m}x${k}x${n}${transposeA ? ' transposeA' : ''}${transposeB ? ' transposeB' : ''}`, () => {
        const result = compare(shape(m, k, transposeA), shape(k, n, transposeB), transposeA, transposeB, m + k + n);
        expect(result.ok, result.message).toBe(true);
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

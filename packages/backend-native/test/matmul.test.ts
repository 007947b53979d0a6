import { matmul, uniform } from '@keel/tensor';
import { checkMatmulAgainstJs, MATMUL_CHECK_SIZES, type MatmulCheck } from '@keel/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeBackend } from '../src/index.js';
import { close, install, on, skipReason, titled } from './helpers.js';

beforeAll(() => install());

/** The product on 'native' against 'js', for the same seeded operands. */
const compare = (aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean, seed = 1): MatmulCheck =>
  checkMatmulAgainstJs('native', aShape, bShape, { transposeA, transposeB, seed });

const shape = (rows: number, cols: number, transposed: boolean): number[] => (transposed ? [cols, rows] : [rows, cols]);

describe.skipIf(skipReason !== undefined)(titled("matmul on 'native' (cblas_sgemm) against 'js'"), () => {
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
    expect(compare([2, 3, 4, 5], [2, 3, 4, 6], true, false).ok).toBe(true);
  });

  it('k = 0 gives zeros, and empty results work', () => {
    on('native', () => {
      expect(matmul(uniform([3, 0], -1, 1), uniform([0, 2], -1, 1)).toArray()).toEqual([[0, 0], [0, 0], [0, 0]]);
      expect(matmul(uniform([0, 4], -1, 1), uniform([4, 2], -1, 1)).shape).toEqual([0, 2]);
      expect(matmul(uniform([2, 0, 4], -1, 1), uniform([4, 2], -1, 1)).shape).toEqual([2, 0, 2]);
    });
  });

  it("reads the tensors' own buffers: the product of views (reshape) and of 'js' tensors", () => {
    const a = uniform([6, 4], -1, 1, { seed: 9 }); // on 'js'
    const b = uniform([4, 3], -1, 1, { seed: 10 });
    const expected = matmul(a, b);
    const actual = on('native', () => matmul(a, b));
    expect(close(actual, expected).ok).toBe(true);
    expect(actual.backend.name).toBe('native');
  });

  it('the raw call checks its arguments instead of reading out of bounds', () => {
    const { addon } = nativeBackend();
    const a = new Float32Array(6);
    const b = new Float32Array(6);
    const c = new Float32Array(4);
    addon.gemm(a, 0, b, 0, c, 0, 2, 2, 3, false, false);
    expect(() => addon.gemm(a, 1, b, 0, c, 0, 2, 2, 3, false, false)).toThrow(/keel_native.gemm: a is too short: 6 values from offset 1 needed, it has 6/);
    expect(() => addon.gemm(a, 0, b, 0, new Float32Array(3), 0, 2, 2, 3, false, false)).toThrow(RangeError);
    expect(() => addon.gemm(new Float64Array(6) as unknown as Float32Array, 0, b, 0, c, 0, 2, 2, 3, false, false)).toThrow(/a must be a Float32Array/);
    expect(() => addon.gemm(a, 0, b, 0, c, 0, 2.5, 2, 3, false, false)).toThrow(/m must be a whole number/);
    expect(() => addon.gemm(a, 0, b, 0, c, 0, -1, 2, 3, false, false)).toThrow(/m must be a whole number/);
    expect(() => (addon.gemm as (...args: unknown[]) => void)(a, 0, b)).toThrow(/expected 11, got 3/);
  });
});

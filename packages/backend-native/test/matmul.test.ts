import { matmul, uniform, type Tensor } from '@keel/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeBackend } from '../src/index.js';
import { close, install, on, skipReason, titled } from './helpers.js';

beforeAll(() => install());

/** The same seeded operands on both backends; the product on 'native' against 'js' (which accumulates in float64). */
function compare(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean, seed = 1): { ok: boolean; error: number } {
  const make = (): [Tensor, Tensor] => [uniform(aShape, -1, 1, { seed }), uniform(bShape, -1, 1, { seed: seed + 1 })];
  const expected = on('js', () => matmul(...make(), { transposeA, transposeB }));
  return on('native', () => {
    const actual = matmul(...make(), { transposeA, transposeB });
    expect(actual.backend.name).toBe('native');
    expect(actual.shape).toEqual(expected.shape);
    const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
    return close(actual, expected, 1e-4, 8e-6 * Math.max(1, Math.sqrt(k)));
  });
}

const shape = (rows: number, cols: number, transposed: boolean): number[] => (transposed ? [cols, rows] : [rows, cols]);

describe.skipIf(skipReason !== undefined)(titled("matmul on 'native' (cblas_sgemm) against 'js'"), () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 1], [3, 5, 2], [5, 7, 9], [13, 17, 11], [31, 33, 65], [64, 784, 128], [129, 257, 130], [200, 513, 9], [7, 1, 300], [1, 600, 1030],
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

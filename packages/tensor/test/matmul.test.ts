import { describe, expect, it } from 'vitest';
import { matmul, Random, tensor } from '../src/index.js';
import { expectClose, f32, randomValues, refMatmul, size, type Shape } from './helpers.js';

/** The stored shape of an operand that is used transposed. */
function stored(shape: Shape, transposed: boolean): number[] {
  if (!transposed) return [...shape];
  const s = [...shape];
  [s[s.length - 2], s[s.length - 1]] = [s[s.length - 1], s[s.length - 2]];
  return s;
}

// [m, k, n], including sizes below, at and around the 4x4 register tile
const sizes: [number, number, number][] = [
  [1, 1, 1], [1, 5, 1], [2, 3, 2], [4, 4, 4], [5, 7, 3], [3, 7, 5], [8, 1, 8], [13, 9, 6], [6, 9, 13], [4, 11, 9], [9, 2, 4], [17, 3, 16],
];

describe('matmul against a triple loop', () => {
  for (const [m, k, n] of sizes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`${m}x${k}x${n} transposeA=${transposeA} transposeB=${transposeB}`, () => {
          const random = new Random(m * 1000 + k * 10 + n);
          const aShape = stored([m, k], transposeA);
          const bShape = stored([k, n], transposeB);
          const a = f32(randomValues(random, m * k));
          const b = f32(randomValues(random, k * n));
          const expected = refMatmul(a, aShape, b, bShape, transposeA, transposeB);
          expect(expected.shape).toEqual([m, n]);
          expectClose(matmul(tensor(a, aShape), tensor(b, bShape), { transposeA, transposeB }), expected, { rtol: 1e-5, atol: 1e-5 });
          const out64 = matmul(tensor(a, aShape, { dtype: 'float64' }), tensor(b, bShape, { dtype: 'float64' }), { transposeA, transposeB });
          expect(out64.dtype).toBe('float64');
          expectClose(out64, expected, { rtol: 1e-13, atol: 1e-14 });
        });
      }
    }
  }
});

describe('batched matmul with broadcast batch dims', () => {
  const cases: [Shape, Shape][] = [
    [[3, 5, 7], [3, 7, 6]],
    [[3, 5, 7], [7, 6]],
    [[5, 7], [2, 7, 9]],
    [[2, 1, 5, 7], [3, 7, 2]],
    [[1, 6, 4], [4, 4, 5]],
    [[2, 3, 13, 9], [1, 3, 9, 6]],
  ];
  for (const [aLogical, bLogical] of cases) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`${JSON.stringify(aLogical)} x ${JSON.stringify(bLogical)} tA=${transposeA} tB=${transposeB}`, () => {
          const random = new Random(size(aLogical) + size(bLogical));
          const aShape = stored(aLogical, transposeA);
          const bShape = stored(bLogical, transposeB);
          const a = randomValues(random, size(aShape));
          const b = randomValues(random, size(bShape));
          const out = matmul(tensor(a, aShape, { dtype: 'float64' }), tensor(b, bShape, { dtype: 'float64' }), { transposeA, transposeB });
          expectClose(out, refMatmul(a, aShape, b, bShape, transposeA, transposeB), { rtol: 1e-13, atol: 1e-14 });
        });
      }
    }
  }

  it('an identity leaves a matrix unchanged; a float32 x float64 product is float64', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const id = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]], undefined, { dtype: 'float64' });
    const y = matmul(x, id);
    expect(y.dtype).toBe('float64');
    expect(y.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('a nested-array operand takes the dtype of the tensor beside it, as in elementwise ops', () => {
    const x = tensor([[1, 2]], undefined, { dtype: 'float64' });
    const y = matmul(x, [[0.1], [0.2]]);
    expect(y.dtype).toBe('float64');
    expect(y.values[0]).toBe(0.1 + 0.4);
    expect(matmul([[0.1, 0.2]], tensor([[1], [2]], undefined, { dtype: 'float64' })).values[0]).toBe(0.1 + 0.4);
    expect(matmul([[0.5]], [[2]]).dtype).toBe('float32');
  });

  it('an inner dimension of 0 gives zeros', () => {
    const y = matmul(tensor(new Float32Array(0), [3, 0]), tensor(new Float32Array(0), [0, 2]));
    expect(y.shape).toEqual([3, 2]);
    expect([...y.values]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

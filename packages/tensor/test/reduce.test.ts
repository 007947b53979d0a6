import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { Random, tensor, type Tensor } from '../src/index.js';
import { allAxisSubsets, distinctValues, expectClose, f32, randomValues, refReduce, size, type Ref } from './helpers.js';

const total = (xs: number[]): number => xs.reduce((p, v) => p + v, 0);
const refs: Record<string, [(x: Tensor, o: T.ReduceOptions) => Tensor, (xs: number[]) => number]> = {
  sum: [T.sum, total],
  mean: [T.mean, (xs) => total(xs) / xs.length],
  max: [T.max, (xs) => xs.reduce((p, v) => (v > p ? v : p), -Infinity)],
  min: [T.min, (xs) => xs.reduce((p, v) => (v < p ? v : p), Infinity)],
  prod: [T.prod, (xs) => xs.reduce((p, v) => p * v, 1)],
  logSumExp: [T.logSumExp, (xs) => Math.log(total(xs.map((v) => Math.E ** v)))],
  variance: [T.variance, (xs) => { const m = total(xs) / xs.length; return total(xs.map((v) => (v - m) ** 2)) / xs.length; }],
};

const shapes = [[5], [3, 4], [2, 3, 4], [2, 1, 3, 2]];

describe('reductions over every axis combination', () => {
  for (const [name, [op, ref]] of Object.entries(refs)) {
    for (const shape of shapes) {
      it(`${name} ${JSON.stringify(shape)}`, () => {
        const random = new Random(shape.length * 13 + name.length);
        // prod: values near ±1 keep the product of up to 24 values well scaled
        const values = name === 'prod' ? f32(randomValues(random, size(shape), 0.6, 1.4).map((v, i) => (i % 3 === 0 ? -v : v))) : f32(distinctValues(random, size(shape)));
        const x = tensor(values, shape);
        const x64 = tensor(values, shape, { dtype: 'float64' });
        for (const axes of allAxisSubsets(shape.length)) {
          if (axes.length === 0) continue;
          for (const keepDims of [false, true]) {
            const expected: Ref = refReduce(values, shape, axes, keepDims, ref);
            expectClose(op(x, { axis: axes, keepDims }), expected, { rtol: 2e-6, atol: 2e-6 });
            expectClose(op(x64, { axis: axes, keepDims }), expected, { rtol: 1e-12, atol: 1e-12 });
            // negative axes name the same axes
            const negative = axes.map((a) => a - shape.length);
            expectClose(op(x64, { axis: negative, keepDims }), expected, { rtol: 1e-12, atol: 1e-12 });
          }
        }
        // no axis: everything, to a scalar
        const all = refReduce(values, shape, shape.map((_, i) => i), false, ref);
        expectClose(op(x64, {}), all, { rtol: 1e-12, atol: 1e-12 });
        expect(op(x, { keepDims: true }).shape).toEqual(shape.map(() => 1));
        // a single number axis
        expectClose(op(x64, { axis: -1 }), refReduce(values, shape, [shape.length - 1], false, ref), { rtol: 1e-12, atol: 1e-12 });
      });
    }
  }

  it('variance: unbiased divides by n - 1', () => {
    const values = [1, 2, 3, 4, 10, 20];
    const x = tensor(values, [2, 3], { dtype: 'float64' });
    const unbiased = refReduce(values, [2, 3], [1], false, (xs) => {
      const m = total(xs) / xs.length;
      return total(xs.map((v) => (v - m) ** 2)) / (xs.length - 1);
    });
    expectClose(T.variance(x, { axis: 1, unbiased: true }), unbiased, { rtol: 1e-14 });
    expectClose(T.variance(x, { axis: 1 }), [2 / 3, 392 / 9], { rtol: 1e-14 });
  });

  it('sum and mean of a scalar are the scalar', () => {
    expect(T.sum(tensor(3)).item()).toBe(3);
    expect(T.mean(tensor(3)).item()).toBe(3);
    expect(T.max(tensor(3)).item()).toBe(3);
  });

  it('max/min reject an empty axis', () => {
    expect(() => T.max(T.zeros([2, 0]), { axis: 1 })).toThrow(/empty axis/);
  });

  it('sum of an empty axis is 0, prod is 1', () => {
    expect([...T.sum(T.zeros([2, 0]), { axis: 1 }).values]).toEqual([0, 0]);
    expect([...T.prod(T.zeros([2, 0]), { axis: 1 }).values]).toEqual([1, 1]);
  });
});

describe('argmax / argmin', () => {
  const argOf = (kind: 'max' | 'min') => (xs: number[]): number => {
    let best = 0;
    for (let i = 1; i < xs.length; i++) if (kind === 'max' ? xs[i] > xs[best] : xs[i] < xs[best]) best = i;
    return best;
  };
  for (const shape of shapes) {
    it(`every axis of ${JSON.stringify(shape)}`, () => {
      const random = new Random(shape.length + 100);
      const values = f32(distinctValues(random, size(shape)));
      const x = tensor(values, shape);
      for (let axis = 0; axis < shape.length; axis++) {
        for (const keepDims of [false, true]) {
          expectClose(T.argmax(x, axis, keepDims), refReduce(values, shape, [axis], keepDims, argOf('max')), { rtol: 0, atol: 0 });
          expectClose(T.argmin(x, axis - shape.length, keepDims), refReduce(values, shape, [axis], keepDims, argOf('min')), { rtol: 0, atol: 0 });
        }
      }
    });
  }

  it('defaults to the last axis and breaks ties towards the first index', () => {
    const x = tensor([[1, 3, 3, 0], [2, 2, 2, 2]]);
    expect([...T.argmax(x).values]).toEqual([1, 0]);
    expect([...T.argmin(x).values]).toEqual([3, 0]);
    expect([...T.argmax(x, 0).values]).toEqual([1, 0, 0, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { Random, tensor, type Tensor } from '../src/index.js';
import { expectClose, f32, randomValues, refBinary, size, type Shape } from './helpers.js';

/** erf by its Maclaurin series (converges fast for |x| <= 3), in float64. */
function erfSeries(x: number): number {
  let term = x;
  let total = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    total += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * total;
}

interface UnaryCase {
  readonly op: (x: Tensor) => Tensor;
  readonly ref: (x: number) => number;
  readonly low: number;
  readonly high: number;
  readonly atol?: number;
}

const unaryCases: Record<string, UnaryCase> = {
  neg: { op: T.neg, ref: (x) => -x, low: -3, high: 3 },
  abs: { op: T.abs, ref: (x) => (x < 0 ? -x : x), low: -3, high: 3 },
  sign: { op: T.sign, ref: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), low: -3, high: 3 },
  exp: { op: T.exp, ref: (x) => Math.E ** x, low: -5, high: 5 },
  expm1: { op: T.expm1, ref: (x) => (Math.abs(x) < 1e-5 ? x + (x * x) / 2 : Math.E ** x - 1), low: -2, high: 2 },
  log: { op: T.log, ref: (x) => Math.log(x), low: 0.01, high: 10 },
  log1p: { op: T.log1p, ref: (x) => Math.log(1 + x), low: -0.9, high: 5 },
  sqrt: { op: T.sqrt, ref: (x) => x ** 0.5, low: 0, high: 9 },
  rsqrt: { op: T.rsqrt, ref: (x) => x ** -0.5, low: 0.05, high: 9 },
  square: { op: T.square, ref: (x) => x * x, low: -4, high: 4 },
  reciprocal: { op: T.reciprocal, ref: (x) => 1 / x, low: 0.1, high: 5 },
  sin: { op: T.sin, ref: Math.sin, low: -6, high: 6 },
  cos: { op: T.cos, ref: Math.cos, low: -6, high: 6 },
  tanh: { op: T.tanh, ref: (x) => (Math.E ** (2 * x) - 1) / (Math.E ** (2 * x) + 1), low: -4, high: 4 },
  sigmoid: { op: T.sigmoid, ref: (x) => 1 / (1 + Math.E ** -x), low: -8, high: 8 },
  softplus: { op: T.softplus, ref: (x) => Math.log(1 + Math.E ** x), low: -8, high: 8 },
  relu: { op: T.relu, ref: (x) => (x > 0 ? x : 0), low: -3, high: 3 },
  step: { op: T.step, ref: (x) => (x > 0 ? 1 : 0), low: -3, high: 3 },
  floor: { op: T.floor, ref: (x) => x - (((x % 1) + 1) % 1), low: -5, high: 5 },
  ceil: { op: T.ceil, ref: (x) => -(-x - (((-x % 1) + 1) % 1)), low: -5, high: 5 },
  // no exact halves among seeded values
  round: { op: T.round, ref: (x) => { const f = x - (((x % 1) + 1) % 1); return x - f < 0.5 ? f : f + 1; }, low: -5, high: 5 },
  erf: { op: T.erf, ref: erfSeries, low: -3, high: 3, atol: 3e-7 },
};

describe('unary ops against float64 references', () => {
  for (const [name, c] of Object.entries(unaryCases)) {
    it(name, () => {
      const random = new Random(name.length * 31 + name.charCodeAt(0));
      const values = f32(randomValues(random, 24, c.low, c.high));
      if (name === 'sign' || name === 'relu' || name === 'step' || name === 'abs') values.push(0);
      if (name === 'floor' || name === 'ceil' || name === 'round') values.push(2, -2, 0);
      const shape = [values.length];
      // float32: the result is the reference rounded once, so within a couple of float32 ulps
      expectClose(c.op(tensor(values, shape)), values.map(c.ref), { rtol: 4e-7, atol: c.atol ?? 1e-7 });
      // float64: near machine precision (erf's polynomial fit excepted)
      const out64 = c.op(tensor(values, shape, { dtype: 'float64' }));
      expect(out64.dtype).toBe('float64');
      expectClose(out64, values.map(c.ref), { rtol: 1e-13, atol: c.atol ?? 1e-15 });
    });
  }

  it('keeps the shape', () => {
    const x = tensor([[[0.5], [1.5]]]);
    for (const c of Object.values(unaryCases)) expect(c.op(x).shape).toEqual([1, 2, 1]);
  });

  it('isFinite marks finite values', () => {
    const x = tensor([1, NaN, Infinity, -Infinity, 0], [5], { allowNonFinite: true });
    expect([...T.isFinite(x).values]).toEqual([1, 0, 0, 0, 1]);
  });

  it('affine is x·scale + offset; clip clamps', () => {
    const values = f32([-2, -0.5, 0, 0.25, 3]);
    expectClose(T.affine(tensor(values), 3, -1), values.map((v) => v * 3 - 1));
    expectClose(T.clip(tensor(values), -1, 0.5), [-1, -0.5, 0, 0.25, 0.5], { rtol: 0, atol: 0 });
    expectClose(T.clip(tensor(values), 0, 0), [0, 0, 0, 0, 0], { rtol: 0, atol: 0 });
  });
});

const binaryRefs: Record<string, [(a: T.TensorLike, b: T.TensorLike) => Tensor, (a: number, b: number) => number]> = {
  add: [T.add, (a, b) => a + b],
  sub: [T.sub, (a, b) => a - b],
  mul: [T.mul, (a, b) => a * b],
  div: [T.div, (a, b) => a / b],
  pow: [T.pow, (a, b) => Math.exp(b * Math.log(a))],
  maximum: [T.maximum, (a, b) => (a > b ? a : b)],
  minimum: [T.minimum, (a, b) => (a < b ? a : b)],
};

const broadcastPairs: [Shape, Shape][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1], [1, 3]],
  [[4, 1, 3], [2, 3]],
  [[2, 3], [4, 1, 3]],
  [[2, 3], []],
  [[], [2, 3]],
  [[], []],
  [[1], [2, 3]],
  [[2, 3], [1, 3]],
  [[2, 3, 4], [3, 1]],
  [[5, 1, 1], [1, 4, 1]],
  [[1, 1, 3], [2, 3]],
  [[2, 1, 3], [4, 1]],
  [[3, 1], [3, 5]],
  [[2, 0], [1]],
];

describe('binary ops with NumPy broadcasting', () => {
  for (const [name, [op, ref]] of Object.entries(binaryRefs)) {
    for (const [aShape, bShape] of broadcastPairs) {
      it(`${name} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`, () => {
        const random = new Random(size(aShape) * 7 + size(bShape));
        // positive operands keep pow and div well defined
        const [low, high] = name === 'pow' || name === 'div' ? [0.2, 2] : [-2, 2];
        const a = f32(randomValues(random, size(aShape), low, high));
        const b = f32(randomValues(random, size(bShape), low, high));
        const out = op(tensor(a, aShape), tensor(b, bShape));
        expectClose(out, refBinary(a, aShape, b, bShape, ref), { rtol: 1e-6, atol: 1e-7 });
        const out64 = op(tensor(a, aShape, { dtype: 'float64' }), tensor(b, bShape, { dtype: 'float64' }));
        expectClose(out64, refBinary(a, aShape, b, bShape, ref), { rtol: 1e-14, atol: 1e-15 });
      });
    }
  }

  it('a plain number operand on either side', () => {
    const values = f32([-1.5, 0.25, 2, 3.75]);
    const x = tensor(values, [2, 2]);
    expectClose(T.add(x, 2), values.map((v) => v + 2));
    expectClose(T.add(2, x), values.map((v) => v + 2));
    expectClose(T.sub(x, 2), values.map((v) => v - 2));
    expectClose(T.sub(2, x), values.map((v) => 2 - v));
    expectClose(T.mul(x, -3), values.map((v) => v * -3));
    expectClose(T.mul(-3, x), values.map((v) => v * -3));
    expectClose(T.div(x, 4), values.map((v) => v / 4));
    expectClose(T.div(2, x), values.map((v) => 2 / v));
    expectClose(T.pow(tensor([1, 2, 3]), 2), [1, 4, 9]);
    expectClose(T.pow(2, tensor([1, 2, 3])), [2, 4, 8]);
    expectClose(T.maximum(x, 0), values.map((v) => (v > 0 ? v : 0)));
    expectClose(T.minimum(1, x), values.map((v) => (v < 1 ? v : 1)));
    expect(T.add(x, 2).shape).toEqual([2, 2]);
  });

  it('nested arrays are accepted as operands', () => {
    expectClose(T.add([[1, 2], [3, 4]], [10, 20]), [11, 22, 13, 24]);
  });

  it('float64 wins over float32; a number takes the dtype of the tensor', () => {
    const a = tensor([1, 2]);
    const b = tensor([0.1, 0.2], undefined, { dtype: 'float64' });
    expect(T.add(a, b).dtype).toBe('float64');
    expect(T.mul(b, a).dtype).toBe('float64');
    expect(T.add(a, 0.1).dtype).toBe('float32');
    expect(T.add(b, 0.1).dtype).toBe('float64');
    expect(T.add(b, 0.1).values[1]).toBe(0.2 + 0.1);
    expect(T.maximum(b, 0.15).dtype).toBe('float64');
  });

  it('ops never change their inputs', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    T.add(a, b);
    T.mul(a, 2);
    T.neg(a);
    expect([...a.values]).toEqual([1, 2, 3]);
    expect([...b.values]).toEqual([4, 5, 6]);
  });
});

describe('comparisons and where', () => {
  const comparisons: Record<string, [(a: T.TensorLike, b: T.TensorLike) => Tensor, (a: number, b: number) => boolean]> = {
    equal: [T.equal, (a, b) => a === b],
    notEqual: [T.notEqual, (a, b) => a !== b],
    less: [T.less, (a, b) => a < b],
    lessEqual: [T.lessEqual, (a, b) => a <= b],
    greater: [T.greater, (a, b) => a > b],
    greaterEqual: [T.greaterEqual, (a, b) => a >= b],
  };
  for (const [name, [op, ref]] of Object.entries(comparisons)) {
    it(`${name} gives 1/0, with ties and broadcasting`, () => {
      // small integers make plenty of ties
      const random = new Random(name.length);
      const a = Array.from({ length: 12 }, () => random.int(3));
      const b = Array.from({ length: 4 }, () => random.int(3));
      const out = op(tensor(a, [3, 4]), tensor(b, [4]));
      expectClose(out, refBinary(a, [3, 4], b, [4], (x, y) => (ref(x, y) ? 1 : 0)), { rtol: 0, atol: 0 });
      const col = op(tensor(b, [4, 1]), tensor([0, 1, 2]));
      expectClose(col, refBinary(b, [4, 1], [0, 1, 2], [3], (x, y) => (ref(x, y) ? 1 : 0)), { rtol: 0, atol: 0 });
      expect(op(tensor([1, 2]).requireGrad(), tensor([2, 1])).requiresGrad).toBe(false);
    });
  }

  it('where picks a where the condition is non-zero, broadcasting all three', () => {
    const cond = [1, 0];
    const a = [10, 20, 30];
    const out = T.where(tensor(cond, [2, 1]), tensor(a), -1);
    expect(out.shape).toEqual([2, 3]);
    expect([...out.values]).toEqual([10, 20, 30, -1, -1, -1]);
    const random = new Random(4);
    const c = Array.from({ length: 6 }, () => random.int(2) * random.uniform(-2, 2));
    const x = f32(randomValues(random, 6));
    const y = f32(randomValues(random, 3));
    const w = T.where(tensor(c, [2, 3]), tensor(x, [2, 3]), tensor(y, [3]));
    expectClose(w, c.map((v, i) => (v !== 0 ? x[i] : y[i % 3])), { rtol: 0, atol: 0 });
    const all = T.where(tensor([[1], [0]]), tensor([[1, 2, 3]]), tensor([[7], [8]]));
    expect(all.toArray()).toEqual([[1, 2, 3], [8, 8, 8]]);
  });
});

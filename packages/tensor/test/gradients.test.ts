import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { defineOp, gradcheck, grad, Random, tensor, type Tensor } from '../src/index.js';
import { awayFromZero, distinctValues, expectClose, expectGradcheck, randomTensor64, randomValues, size, type Shape } from './helpers.js';

const t64 = (values: number[], shape: Shape): Tensor => tensor(values, [...shape], { dtype: 'float64' });

describe('gradcheck: unary ops', () => {
  const cases: Record<string, [(x: Tensor) => Tensor, () => number[]]> = {};
  const random = new Random(2024);
  const anywhere = (): number[] => randomValues(random, 12, -2, 2);
  const positive = (): number[] => randomValues(random, 12, 0.3, 3);
  const offKink = (): number[] => awayFromZero(random, 12, 0.1, 2);
  Object.assign(cases, {
    neg: [T.neg, anywhere], abs: [T.abs, offKink], exp: [T.exp, anywhere], expm1: [T.expm1, anywhere],
    log: [T.log, positive], log1p: [T.log1p, positive], sqrt: [T.sqrt, positive], rsqrt: [T.rsqrt, positive],
    square: [T.square, anywhere], reciprocal: [T.reciprocal, positive], sin: [T.sin, anywhere], cos: [T.cos, anywhere],
    tanh: [T.tanh, anywhere], sigmoid: [T.sigmoid, anywhere], softplus: [T.softplus, anywhere], relu: [T.relu, offKink],
    erf: [T.erf, anywhere],
    affine: [(x: Tensor) => T.affine(x, -2.5, 0.75), anywhere],
    clip: [(x: Tensor) => T.clip(x, -0.05, 0.05), offKink],
    clipInside: [(x: Tensor) => T.clip(x, -5, 5), anywhere],
  });
  for (const [name, [op, values]] of Object.entries(cases)) {
    it(name, () => {
      const x = t64(values(), [3, 4]);
      expectGradcheck(op, [x]);
      // and composed, so the chain rule meets a non-trivial dy
      expectGradcheck((v) => T.mul(op(v), op(v)), [x]);
    });
  }

  it('piecewise-constant ops pass no gradient', () => {
    const x = t64([0.3, -1.7, 2.2], [3]);
    for (const op of [T.sign, T.step, T.floor, T.ceil, T.round]) {
      const [g] = grad((v) => T.sum(T.add(op(v), T.mul(v, 0))))(x);
      expect([...g.values]).toEqual([0, 0, 0]);
    }
  });
});

describe('gradcheck: binary ops with broadcasting', () => {
  const pairs: [Shape, Shape][] = [
    [[2, 3], [2, 3]], [[2, 3], [3]], [[3], [2, 3]], [[2, 1], [1, 3]], [[4, 1, 3], [2, 3]], [[2, 3], []], [[], [2, 3]], [[2, 3, 2], [3, 1]],
  ];
  const ops: Record<string, [(a: Tensor, b: Tensor) => Tensor, number, number]> = {
    add: [T.add, -2, 2], sub: [T.sub, -2, 2], mul: [T.mul, -2, 2], div: [T.div, 0.5, 2], pow: [T.pow, 0.5, 2],
  };
  for (const [name, [op, low, high]] of Object.entries(ops)) {
    for (const [aShape, bShape] of pairs) {
      it(`${name} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`, () => {
        const random = new Random(size(aShape) * 3 + size(bShape));
        expectGradcheck(op, [randomTensor64(random, aShape, low, high), randomTensor64(random, bShape, low, high)]);
      });
    }
  }

  for (const [name, op] of Object.entries({ maximum: T.maximum, minimum: T.minimum })) {
    for (const [aShape, bShape] of pairs) {
      it(`${name} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)} (no ties)`, () => {
        const random = new Random(size(aShape) + 17);
        // a on a grid of odd eighths, b on even eighths: never closer than 1/8
        const a = Array.from({ length: size(aShape) }, () => (2 * random.int(16) + 1) / 8 - 2);
        const b = Array.from({ length: size(bShape) }, () => (2 * random.int(16)) / 8 - 2);
        expectGradcheck(op, [t64(a, aShape), t64(b, bShape)]);
      });
    }
  }

  it('number operands on either side', () => {
    const random = new Random(8);
    const x = randomTensor64(random, [2, 3], 0.5, 2);
    for (const f of [
      (v: Tensor) => T.add(v, 3), (v: Tensor) => T.add(3, v), (v: Tensor) => T.sub(v, 3), (v: Tensor) => T.sub(3, v),
      (v: Tensor) => T.mul(v, -2), (v: Tensor) => T.mul(-2, v), (v: Tensor) => T.div(v, 4), (v: Tensor) => T.div(4, v),
      (v: Tensor) => T.pow(v, 3), (v: Tensor) => T.pow(2, v), (v: Tensor) => T.maximum(v, 1.1), (v: Tensor) => T.minimum(1.1, v),
    ]) {
      expectGradcheck(f, [x]);
    }
  });

  it('where routes the gradient to the chosen side, broadcasting', () => {
    const random = new Random(9);
    const cond = tensor([[1, 0, 1], [0, 0, 1]]);
    expectGradcheck((a, b) => T.where(cond, a, b), [randomTensor64(random, [2, 3]), randomTensor64(random, [3])]);
    expectGradcheck((a, b) => T.where(tensor([[1], [0]]), a, b), [randomTensor64(random, [1, 3]), randomTensor64(random, [2, 1])]);
  });

  it('the bias of [batch, out] + [out] gets the batch sum, of shape [out]', () => {
    const random = new Random(10);
    const x = randomTensor64(random, [5, 3]);
    const bias = randomTensor64(random, [3]).requireGrad();
    const upstream = randomValues(random, 15);
    const y = T.add(x, bias);
    y.backward(t64(upstream, [5, 3]));
    const g = bias.grad as Tensor;
    expect(g.shape).toEqual([3]);
    const batchSum = [0, 1, 2].map((j) => [0, 1, 2, 3, 4].reduce((s, i) => s + upstream[i * 3 + j], 0));
    expectClose(g, batchSum, { rtol: 1e-14, atol: 1e-14 });
    // not the sum over the whole matrix
    const wholeSum = upstream.reduce((s, v) => s + v, 0);
    for (const v of g.values) expect(v).not.toBeCloseTo(wholeSum, 6);
    // the same through a [1, out] bias and a bias on the left
    const bias2 = randomTensor64(random, [1, 3]).requireGrad();
    T.add(bias2, x).backward(t64(upstream, [5, 3]));
    expect(bias2.grad?.shape).toEqual([1, 3]);
    expectClose(bias2.grad as Tensor, batchSum, { rtol: 1e-14, atol: 1e-14 });
    expectGradcheck((w, b) => T.add(T.matmul(x, w), b), [randomTensor64(random, [3, 4]), randomTensor64(random, [4])]);
  });
});

describe('gradcheck: reductions', () => {
  const shape = [2, 3, 4];
  const axesList: (number[] | undefined)[] = [undefined, [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2], [-1]];
  const ops: Record<string, [(x: Tensor, o: T.ReduceOptions) => Tensor, 'any' | 'distinct' | 'positive']> = {
    sum: [T.sum, 'any'], mean: [T.mean, 'any'], max: [T.max, 'distinct'], min: [T.min, 'distinct'], prod: [T.prod, 'positive'],
    logSumExp: [T.logSumExp, 'any'], variance: [T.variance, 'any'],
    varianceUnbiased: [(x, o) => T.variance(x, { ...o, unbiased: true }), 'any'],
  };
  for (const [name, [op, kind]] of Object.entries(ops)) {
    it(name, () => {
      const random = new Random(name.length + 5);
      for (const axis of axesList) {
        for (const keepDims of [false, true]) {
          const values = kind === 'distinct' ? distinctValues(random, size(shape)) : kind === 'positive' ? randomValues(random, size(shape), 0.5, 1.5) : randomValues(random, size(shape), -2, 2);
          const result = gradcheck((x) => op(x, { axis, keepDims }), [t64(values, shape)]);
          expect(result.ok, `axis ${JSON.stringify(axis)} keepDims ${keepDims}: ${result.message}`).toBe(true);
        }
      }
    });
  }

  it('prod is differentiable at zeros too: each gradient is the product of the others', () => {
    const x = t64([0, 2, 3, 4, 0, 0, 1, 2, 3], [3, 3]).requireGrad();
    T.sum(T.prod(x, { axis: 1 })).backward();
    // row 0 has one zero, row 1 two, row 2 none
    expect([...(x.grad as Tensor).values]).toEqual([6, 0, 0, 0, 0, 0, 6, 3, 2]);
    expectGradcheck((v) => T.prod(v, { axis: 1 }), [t64([0, 2, 3, 4, 0, 0, 1, 2, 3], [3, 3])]);
    expectGradcheck((v) => T.prod(v, { axis: 0, keepDims: true }), [t64([0, 2, 3, 4, 0, 0, 1, 2, 3], [3, 3])]);
    expectGradcheck((v) => T.prod(v), [t64([1.5, 0, -2], [3])]);
  });

  it('max with ties shares the gradient equally', () => {
    const x = t64([1, 3, 3, 0], [4]).requireGrad();
    T.max(x).backward();
    expect([...(x.grad as Tensor).values]).toEqual([0, 0.5, 0.5, 0]);
  });
});

describe('gradcheck: matmul', () => {
  it('all four transposes, odd sizes', () => {
    const random = new Random(77);
    for (const [m, k, n] of [[5, 7, 3], [4, 4, 4], [1, 3, 2]]) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const a = randomTensor64(random, transposeA ? [k, m] : [m, k]);
          const b = randomTensor64(random, transposeB ? [n, k] : [k, n]);
          const result = gradcheck((x, y) => T.matmul(x, y, { transposeA, transposeB }), [a, b]);
          expect(result.ok, `${m}x${k}x${n} tA=${transposeA} tB=${transposeB}: ${result.message}`).toBe(true);
        }
      }
    }
  });

  it('batch dims broadcast, with transposes', () => {
    const random = new Random(78);
    const cases: [Shape, Shape][] = [[[2, 3, 4], [4, 5]], [[3, 4], [2, 4, 5]], [[2, 1, 3, 4], [3, 4, 2]], [[1, 3, 4], [2, 4, 2]]];
    for (const [aShape, bShape] of cases) {
      for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
        const sa = [...aShape];
        const sb = [...bShape];
        if (transposeA) [sa[sa.length - 2], sa[sa.length - 1]] = [sa[sa.length - 1], sa[sa.length - 2]];
        if (transposeB) [sb[sb.length - 2], sb[sb.length - 1]] = [sb[sb.length - 1], sb[sb.length - 2]];
        const result = gradcheck((x, y) => T.matmul(x, y, { transposeA, transposeB }), [randomTensor64(random, sa), randomTensor64(random, sb)]);
        expect(result.ok, `${JSON.stringify(sa)} x ${JSON.stringify(sb)} tA=${transposeA} tB=${transposeB}: ${result.message}`).toBe(true);
      }
    }
  });
});

describe('gradcheck: layout ops', () => {
  const random = new Random(55);
  const x234 = (): Tensor => randomTensor64(random, [2, 3, 4]);
  const cases: Record<string, [(...xs: Tensor[]) => Tensor, () => Tensor[]]> = {
    reshape: [(x) => T.reshape(x, [4, -1]), () => [x234()]],
    flatten: [(x) => T.flatten(x), () => [x234()]],
    transpose: [(x) => T.transpose(x), () => [x234()]],
    permute: [(x) => T.permute(x, [1, 2, 0]), () => [x234()]],
    expandDims: [(x) => T.expandDims(x, 1), () => [x234()]],
    squeeze: [(x) => T.squeeze(x), () => [randomTensor64(random, [2, 1, 3, 1])]],
    broadcastTo: [(x) => T.broadcastTo(x, [2, 3, 4]), () => [randomTensor64(random, [3, 1])]],
    slice: [(x) => T.slice(x, [1, 0, 1], [1, 2, -1]), () => [x234()]],
    concat: [(a, b, c) => T.concat([a, b, c], 1), () => [x234(), randomTensor64(random, [2, 1, 4]), x234()]],
    concatLast: [(a, b) => T.concat([a, b], -1), () => [x234(), randomTensor64(random, [2, 3, 2])]],
    stack: [(a, b) => T.stack([a, b], 2), () => [x234(), x234()]],
    gather: [(x) => T.gather(x, [2, 0, 2, 2], 1), () => [x234()]],
    gatherRows: [(x) => T.gather(x, [[1, 1], [0, 1]]), () => [x234()]],
    pad: [(x) => T.pad(x, [[1, 0], [0, 2], [1, 1]], 3), () => [x234()]],
    cast: [(x) => T.cast(T.cast(x, 'float32'), 'float64'), () => [x234()]],
    sumTo: [(x) => T.sumTo(x, [3, 1]), () => [x234()]],
    sumToScalar: [(x) => T.sumTo(x, []), () => [x234()]],
    im2col: [(x) => T.im2col(x, T.windowGeometry('im2col', x.shape, [2, 3], { strides: [1, 2], padding: 'same' }, [1, 1])), () => [randomTensor64(random, [2, 4, 5, 2])]],
    softmax0: [(x) => T.softmax(x, 0), () => [x234()]],
    softmax1: [(x) => T.softmax(x, 1), () => [x234()]],
    softmaxLast: [(x) => T.softmax(x), () => [x234()]],
    logSoftmax0: [(x) => T.logSoftmax(x, 0), () => [x234()]],
    logSoftmax1: [(x) => T.logSoftmax(x, 1), () => [x234()]],
    logSoftmaxLast: [(x) => T.logSoftmax(x), () => [x234()]],
  };
  for (const [name, [op, inputs]] of Object.entries(cases)) {
    it(name, () => {
      // a round trip through float32 quantises f: a wide difference step keeps that noise small
      expectGradcheck(op, inputs(), name === 'cast' ? { eps: 1e-2, atol: 1e-4, rtol: 1e-4 } : {});
    });
  }
});

describe('gradcheck: conv2d and pooling', () => {
  const convCases: { x: Shape; w: Shape; strides: [number, number]; padding: T.Padding }[] = [
    { x: [1, 4, 4, 1], w: [2, 2, 1, 1], strides: [1, 1], padding: 'valid' },
    { x: [2, 5, 5, 2], w: [3, 3, 2, 3], strides: [1, 1], padding: 'same' },
    { x: [1, 6, 5, 2], w: [3, 3, 2, 2], strides: [2, 2], padding: 'same' },
    { x: [1, 7, 6, 1], w: [3, 2, 1, 2], strides: [2, 1], padding: 'valid' },
    { x: [1, 4, 5, 1], w: [2, 3, 1, 2], strides: [1, 2], padding: 1 },
  ];
  for (const c of convCases) {
    it(`conv2d x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} strides ${JSON.stringify(c.strides)} ${String(c.padding)}`, () => {
      const random = new Random(size(c.x) * 3 + size(c.w));
      expectGradcheck((x, w) => T.conv2d(x, w, { strides: c.strides, padding: c.padding }), [randomTensor64(random, c.x), randomTensor64(random, c.w)]);
    });
  }

  const poolCases: { x: Shape; k: [number, number]; strides?: [number, number]; padding: T.Padding }[] = [
    { x: [1, 4, 4, 2], k: [2, 2], padding: 'valid' },
    { x: [2, 5, 5, 1], k: [2, 2], padding: 'same' },
    { x: [1, 5, 6, 2], k: [3, 3], strides: [2, 2], padding: 'same' },
    { x: [1, 5, 5, 1], k: [3, 2], strides: [1, 1], padding: 'valid' },
  ];
  for (const c of poolCases) {
    for (const [name, pool] of Object.entries({ maxPool2d: T.maxPool2d, avgPool2d: T.avgPool2d })) {
      it(`${name} x ${JSON.stringify(c.x)} window ${JSON.stringify(c.k)} strides ${JSON.stringify(c.strides)} ${String(c.padding)}`, () => {
        const random = new Random(size(c.x) + 3);
        // distinct values at least 0.25 apart: no max ties, and far beyond the difference step
        const x = t64(distinctValues(random, size(c.x)), c.x);
        const options = { ...(c.strides === undefined ? {} : { strides: c.strides }), padding: c.padding };
        expectGradcheck((v) => pool(v, c.k, options), [x]);
      });
    }
  }
});

describe('gradcheck itself', () => {
  it('passes for a correct custom op and fails, naming the element, for a wrong backward', () => {
    // the classic bug: the sigmoid derivative applied to x instead of y = sigmoid(x)
    const wrongSigmoid = defineOp({
      name: 'wrongSigmoid',
      forward: ([x]) => T.sigmoid(x),
      backward: ({ inputs, dy }) => [T.mul(dy, T.mul(inputs[0], T.sub(1, inputs[0])))],
    });
    const rightSigmoid = defineOp({
      name: 'rightSigmoid',
      forward: ([x]) => T.sigmoid(x),
      backward: ({ output, dy }) => [T.mul(dy, T.mul(output, T.sub(1, output)))],
    });
    const x = randomTensor64(new Random(3), [2, 3], -2, 2);
    expectGradcheck((v) => rightSigmoid([v]), [x]);
    const result = gradcheck((v) => wrongSigmoid([v]), [x]);
    expect(result.ok).toBe(false);
    expect(result.worst).toBeDefined();
    const worst = result.worst as T.GradcheckWorst;
    expect(worst.input).toBe(0);
    expect(Number.isInteger(worst.index) && worst.index >= 0 && worst.index < 6).toBe(true);
    // the numeric value is the true derivative σ(x)(1 − σ(x)) projected, the analytic one is not
    expect(Math.abs(worst.analytic - worst.numeric)).toBeGreaterThan(1e-3);
    expect(result.message).toContain('FAILED');
    expect(result.message).toContain(`input 0 index ${worst.index}`);
    expect(result.message).toContain(`analytic ${worst.analytic}`);
    expect(result.message).toContain(`numeric ${worst.numeric}`);
  });

  it('checks every input, and names the second one when only it is wrong', () => {
    const badSecond = defineOp({
      name: 'badSecond',
      forward: ([a, b]) => T.mul(a, b),
      backward: ({ inputs, dy }) => [T.mul(dy, inputs[1]), T.mul(dy, T.mul(inputs[0], 2))],
    });
    const random = new Random(4);
    const result = gradcheck((a, b) => badSecond([a, b]), [randomTensor64(random, [3]), randomTensor64(random, [3])]);
    expect(result.ok).toBe(false);
    expect(result.worst?.input).toBe(1);
    expect(result.message).toMatch(/input 1 index \d/);
  });

  it('works on float32 inputs (it checks in float64) and leaves them untouched', () => {
    const x = tensor([0.5, -0.25, 1]);
    expectGradcheck((v) => T.tanh(v), [x]);
    expect(x.dtype).toBe('float32');
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });
});

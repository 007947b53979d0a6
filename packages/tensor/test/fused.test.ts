// The fused kernels against the op chains they replace, closed-form values and finite differences.
import { describe, expect, it } from 'vitest';
import {
  add, allFinite, axpby, dense, div, gradcheck, logSoftmax, matmul, mul, neg, oneHot, Random, relu, sigmoid, softmax, softmaxCrossEntropyWithLogits,
  sparseSoftmaxCrossEntropyWithLogits, sum, tanh, tensor, uniform, valueAndGrad, type Tensor,
} from '../src/index.js';

const random = (seed: number): Random => new Random(seed);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[i])));
}

const unfused = { linear: (z: Tensor) => z, relu, sigmoid, tanh } as const;

describe('dense', () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
    it(`${activation}: the values and gradients of matmul → add → ${activation}`, () => {
      const r = random(3);
      const x = uniform([6, 5], -2, 2, { random: r });
      const w = uniform([5, 4], -1, 1, { random: r }).requireGrad();
      const b = uniform([4], -1, 1, { random: r }).requireGrad();
      const direction = uniform([6, 4], -1, 1, { random: r });
      const fused = valueAndGrad((xx: Tensor, ww: Tensor, bb: Tensor) => sum(mul(dense(xx, ww, bb, activation), direction)))(x, w, b);
      const chain = valueAndGrad((xx: Tensor, ww: Tensor, bb: Tensor) => sum(mul(unfused[activation](add(matmul(xx, ww), bb)), direction)))(x, w, b);
      close(fused.value.values, chain.value.values, 1e-6);
      fused.grads.forEach((g, i) => close(g.values, chain.grads[i].values, 1e-6));
    });
  }

  it('relu and linear outputs are bit-identical to the op chain in float32', () => {
    const r = random(5);
    const x = uniform([7, 9], -1, 1, { random: r });
    const w = uniform([9, 3], -1, 1, { random: r });
    const b = uniform([3], -1, 1, { random: r });
    expect(Array.from(dense(x, w, b, 'relu').values)).toEqual(Array.from(relu(add(matmul(x, w), b)).values));
    expect(Array.from(dense(x, w, b).values)).toEqual(Array.from(add(matmul(x, w), b).values));
  });

  it('keeps leading axes and passes finite differences in float64', () => {
    const r = random(7);
    const x = uniform([2, 3, 4], -1, 1, { random: r, dtype: 'float64' });
    const w = uniform([4, 2], -1, 1, { random: r, dtype: 'float64' });
    const b = uniform([2], -1, 1, { random: r, dtype: 'float64' });
    expect(dense(x, w, b, 'tanh').shape).toEqual([2, 3, 2]);
    for (const activation of ['sigmoid', 'tanh', 'linear'] as const) {
      const check = gradcheck((xx, ww, bb) => dense(xx, ww, bb, activation), [x, w, b]);
      expect(check.ok, check.message).toBe(true);
    }
  });

  it('relu lets NaN through instead of turning it into 0', () => {
    const y = dense(div(tensor([[0, 1]]), tensor([[0, 1]])), tensor([[1], [1]]), null, 'relu');
    expect(Number.isNaN(y.values[0])).toBe(true);
  });

  it('names the shapes that do not fit', () => {
    expect(() => dense(tensor([[1, 2, 3]]), tensor([[1], [2]]))).toThrow(/\[1, 3\].*\[2, 1\]/);
    expect(() => dense(tensor([[1, 2]]), tensor([[1], [2]]), tensor([1, 2]))).toThrow(/bias \[2\]/);
    expect(() => dense(tensor([[1, 2]]), tensor([[1], [2]]), null, 'elu' as 'relu')).toThrow(/no fused activation 'elu'.*linear, relu, sigmoid, tanh/);
  });
});

describe('sparseSoftmaxCrossEntropyWithLogits', () => {
  it('is logΣexp(x) − x[label] per row', () => {
    const loss = sparseSoftmaxCrossEntropyWithLogits(tensor([[0, 0, 0, 0], [1, 2, 3, 4]]), tensor([2, 3]));
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4));
    close(loss.values, [Math.log(4), lse - 4], 1e-6);
  });

  it('stays finite for logits of ±1000 and matches −Σ onehot·logSoftmax with its gradient', () => {
    expect(Array.from(sparseSoftmaxCrossEntropyWithLogits(tensor([[1000, 0], [0, -1000]]), tensor([1, 1])).values)).toEqual([1000, 1000]);
    const r = random(11);
    const x = uniform([2, 3, 5], -3, 3, { random: r });
    const labels = tensor([[0, 4, 2], [1, 1, 3]]);
    const direction = uniform([2, 3], -1, 1, { random: r });
    const fused = valueAndGrad((xx: Tensor) => sum(mul(sparseSoftmaxCrossEntropyWithLogits(xx, labels), direction)))(x);
    const chain = valueAndGrad((xx: Tensor) => sum(mul(neg(sum(mul(oneHot(labels, 5), logSoftmax(xx)), { axis: -1 })), direction)))(x);
    close(fused.value.values, chain.value.values, 1e-5);
    close(fused.grads[0].values, chain.grads[0].values, 1e-6);
  });

  it('passes finite differences in float64', () => {
    const x = uniform([4, 3], -2, 2, { random: random(2), dtype: 'float64' });
    const check = gradcheck((xx) => sparseSoftmaxCrossEntropyWithLogits(xx, tensor([0, 2, 1, 2])), [x]);
    expect(check.ok, check.message).toBe(true);
  });

  it('gives NaN for a label outside the classes, never a silent 0', () => {
    expect(Number.isNaN(sparseSoftmaxCrossEntropyWithLogits(tensor([[1, 2]]), tensor([2])).values[0])).toBe(true);
  });
});

describe('softmaxCrossEntropyWithLogits', () => {
  it('matches −Σ t·logSoftmax and its gradients for soft targets, and passes finite differences', () => {
    const r = random(4);
    const x = uniform([3, 4], -3, 3, { random: r, dtype: 'float64' });
    const t = softmax(uniform([3, 4], -1, 1, { random: r, dtype: 'float64' }));
    const fused = valueAndGrad((xx: Tensor, tt: Tensor) => sum(softmaxCrossEntropyWithLogits(xx, tt)))(x, t);
    const chain = valueAndGrad((xx: Tensor, tt: Tensor) => sum(neg(sum(mul(tt, logSoftmax(xx)), { axis: -1 }))))(x, t);
    close(fused.value.values, chain.value.values, 1e-12);
    fused.grads.forEach((g, i) => close(g.values, chain.grads[i].values, 1e-12));
    const check = gradcheck((xx, tt) => softmaxCrossEntropyWithLogits(xx, tt), [x, t]);
    expect(check.ok, check.message).toBe(true);
  });

  it('a one-hot target on a logit 1000 below the others costs 1000, not Infinity', () => {
    expect(softmaxCrossEntropyWithLogits(tensor([[1000, 0]]), tensor([[0, 1]])).values[0]).toBe(1000);
  });
});

describe('allFinite', () => {
  it('is false for NaN, +Infinity and −Infinity anywhere, true otherwise', () => {
    const values = tensor([1, -2, 3e38, 0]);
    expect(allFinite(values)).toBe(true);
    expect(allFinite(mul(values, 10))).toBe(false); // 3e39 overflows float32
    expect(allFinite(div(tensor([1, 0]), tensor([1, 0])))).toBe(false); // 0/0
    expect(allFinite(div(tensor([-1, 1]), tensor([0, 1])))).toBe(false);
  });
});

describe('axpby', () => {
  it('is bit-identical to add(mul(x, a), mul(y, b)) in float32, including the optimizer shapes a = 1 and signed zeros', () => {
    const r = random(11);
    const x = uniform([40, 30], -3, 3, { random: r });
    const y = uniform([40, 30], -3, 3, { random: r });
    for (const [a, b] of [[0.9, 0.1], [1, -0.1], [1, 0.9], [0.999, 0.001], [-1.5, 1e-3]]) {
      const chain = a === 1 ? add(x, mul(y, b)) : add(mul(x, a), mul(y, b));
      expect(Array.from(axpby(x, y, a, b).values)).toEqual(Array.from(chain.values));
    }
    // a zero result is +0 as from the op chain, even from −0 terms
    const zeros = axpby(tensor([-0, -0, 0]), tensor([-0, 0, -0]), 1, 2);
    expect(Array.from(zeros.values)).toEqual(Array.from(add(tensor([-0, -0, 0]), mul(tensor([-0, 0, -0]), 2)).values));
    expect(Object.is(zeros.values[0], 0)).toBe(true);
  });

  it('has the closed-form value and passes finite differences in float64', () => {
    expect(Array.from(axpby(tensor([1, 2]), tensor([10, 20]), 2, -0.5).values)).toEqual([-3, -6]);
    const r = random(12);
    const x = uniform([3, 4], -1, 1, { random: r, dtype: 'float64' });
    const y = uniform([3, 4], -1, 1, { random: r, dtype: 'float64' });
    const check = gradcheck((xx, yy) => axpby(xx, yy, 0.7, -1.3), [x, y]);
    expect(check.ok, check.message).toBe(true);
  });

  it('refuses shapes that differ (no broadcasting), mixed dtypes and non-finite scales', () => {
    expect(() => axpby(tensor([1, 2]), tensor([[1, 2]]), 1, 1)).toThrow(/x \[2\] and y \[1, 2\]/);
    expect(() => axpby(tensor([1, 2]), tensor([1, 2], undefined, { dtype: 'float64' }), 1, 1)).toThrow(/float32 but y is float64/);
    expect(() => axpby(tensor([1]), tensor([1]), Number.NaN, 1)).toThrow(/scale a = NaN is not finite/);
  });
});

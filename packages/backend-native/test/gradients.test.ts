import * as T from '@keel/tensor';
import { setBackend, Tensor, valueAndGrad } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { install, skipReason, titled } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));

type Loss = (...params: Tensor[]) => Tensor;

/**
 * The gradient autograd computes on 'native' in float32 (C kernels, sgemm in every transpose
 * variant) against central differences of the same function in float64 on 'js'.
 */
function check(f: Loss, shapes: number[][], seed: number, tolerance = 2e-3): void {
  const start = shapes.map((shape, i) => T.uniform(shape, -1, 1, { seed: seed + i, dtype: 'float64' }).dataSync() as Float64Array);
  setBackend('native');
  const params = start.map((values, i) => Tensor.fromValues(Float32Array.from(values), shapes[i], 'float32'));
  const { grads } = valueAndGrad(f)(...params);
  setBackend('js');
  const eps = 1e-5;
  const evaluate = (k: number, i: number, delta: number): number => {
    const args = start.map((values, j) => {
      const shifted = values.slice();
      if (j === k) shifted[i] += delta;
      return Tensor.fromValues(shifted, shapes[j], 'float64');
    });
    return T.noGrad(() => f(...args).item());
  };
  grads.forEach((grad, k) => {
    expect(grad.backend.name).toBe('native');
    const analytic = grad.values;
    for (let i = 0; i < start[k].length; i++) {
      const numeric = (evaluate(k, i, eps) - evaluate(k, i, -eps)) / (2 * eps);
      expect(Math.abs(analytic[i] - numeric), `input ${k} element ${i}: ${analytic[i]} vs ${numeric}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(numeric)));
    }
  });
}

/** Fixed integer labels of a batch of `n` over `classes`. */
const labels = (n: number, classes: number): Tensor => T.tensor(Array.from({ length: n }, (_, i) => (i * 7 + 3) % classes), [n]);

describe.skipIf(skipReason !== undefined)(titled("gradients on 'native' match finite differences"), () => {
  it('a two-layer MLP with ReLU, bias and softmax cross-entropy (sgemm forward, xᵀ·dy and dy·Wᵀ backward)', () => {
    const x = (): Tensor => T.cast(T.uniform([6, 5], -1, 1, { seed: 99 }), 'float32');
    const f: Loss = (w1, b1, w2, b2) => {
      const input = x();
      const hidden = T.relu(T.add(T.matmul(T.cast(input, w1.dtype), w1), b1));
      const logits = T.add(T.matmul(hidden, w2), b2);
      const targets = T.oneHot(labels(6, 3), 3);
      return T.mean(T.neg(T.sum(T.mul(T.cast(targets, logits.dtype), T.logSoftmax(logits)), { axis: -1 })));
    };
    check(f, [[5, 4], [4], [4, 3], [3]], 1);
  });

  it('transposed operands (both flags), tanh, sigmoid and a scattered-axis mean', () => {
    const f: Loss = (a, b) => {
      const y = T.matmul(a, b, { transposeA: true, transposeB: true }); // [4, 4]
      return T.mean(T.mul(T.tanh(y), T.sigmoid(T.transpose(y))), { axis: [0, 1] });
    };
    const g: Loss = (a, b) => T.sum(T.square(T.sub(f(a, b), 0.1)));
    check(g, [[5, 4], [4, 5]], 11);
  });

  it('softmax, max, gather, where and a broadcast divide', () => {
    const f: Loss = (x, s) => {
      const p = T.softmax(T.div(x, T.add(T.square(s), 1)), 0);
      const picked = T.gather(p, T.tensor([2, 0, 2], undefined, { dtype: x.dtype }), 1);
      const m = T.max(T.mul(x, 0.5), { axis: 1, keepDims: true });
      return T.sum(T.mul(T.where(T.greater(picked, 0.3), picked, T.neg(picked)), m));
    };
    check(f, [[4, 3], [3]], 21);
  });
});

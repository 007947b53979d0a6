// Three steps of gradient descent on softmax regression, with the loss and gradient from
// @keel/losses and autograd, against the published definitions written out in plain JavaScript:
// z = xW, L = −(1/N) Σₙ log softmax(zₙ)[yₙ], ∂L/∂W = xᵀ(softmax(z) − onehot(y)) / N.
import { matmul, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from '../src/index.js';

const x = [
  [1, 2],
  [-1, 0.5],
  [0.3, -1.5],
];
const labels = [2, 0, 1];
const start = [
  [0.1, -0.2, 0.3],
  [0.05, 0.4, -0.1],
];
const lr = 0.5;
const steps = 3;

/** Plain-JS reference: returns the loss before each step and the final weights. */
function reference(): { losses: number[]; weights: number[][] } {
  let w = start.map((row) => [...row]);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const grad = w.map((row) => row.map(() => 0));
    let loss = 0;
    x.forEach((xn, n) => {
      const z = [0, 1, 2].map((k) => xn[0] * w[0][k] + xn[1] * w[1][k]);
      const max = Math.max(...z);
      const total = z.reduce((s, v) => s + Math.exp(v - max), 0);
      const p = z.map((v) => Math.exp(v - max) / total);
      loss += (Math.log(total) + max - z[labels[n]]) / x.length;
      p.forEach((pk, k) => {
        const d = (pk - (k === labels[n] ? 1 : 0)) / x.length;
        grad[0][k] += xn[0] * d;
        grad[1][k] += xn[1] * d;
      });
    });
    losses.push(loss);
    w = w.map((row, i) => row.map((v, k) => v - lr * grad[i][k]));
  }
  return { losses, weights: w };
}

function train(loss: (logits: Tensor) => Tensor): { losses: number[]; weights: number[] } {
  const inputs = tensor(x, undefined, { dtype: 'float64' });
  const w = tensor(start, undefined, { dtype: 'float64' }).requireGrad();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const value = loss(matmul(inputs, w));
    losses.push(value.item());
    value.backward();
    w.assign(tensor(Array.from(w.values, (v, i) => v - lr * w.grad!.values[i]), w.shape, { dtype: 'float64' }));
    w.zeroGrad();
  }
  return { losses, weights: Array.from(w.values) };
}

describe('softmax regression by gradient descent', () => {
  const expected = reference();
  const oneHot = tensor(labels.map((y) => [0, 1, 2].map((k) => (k === y ? 1 : 0))), undefined, { dtype: 'float64' });
  const cases: [string, (logits: Tensor) => Tensor][] = [
    ['softmaxCrossEntropy', (logits) => softmaxCrossEntropy(logits, oneHot)],
    ['sparseSoftmaxCrossEntropy', (logits) => sparseSoftmaxCrossEntropy(logits, tensor(labels, undefined, { dtype: 'float64' }))],
  ];

  it.each(cases)('%s matches the hand-written losses and weights step by step', (_name, loss) => {
    const run = train(loss);
    run.losses.forEach((value, i) => expect(value).toBeCloseTo(expected.losses[i], 13));
    run.weights.forEach((value, i) => expect(value).toBeCloseTo(expected.weights.flat()[i], 13));
    expect(expected.losses[2]).toBeLessThan(expected.losses[0]);
  });
});

import { imageDataset } from '@keel/data';
import { mnist } from '@keel/data/node';
import { Dense, Sequential } from '@keel/layers';
import * as T from '@keel/tensor';
import { noGrad, setBackend, type Tensor } from '@keel/tensor';
import { evaluate, fit } from '@keel/train';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getNativeThreads, setNativeThreads } from '../src/index.js';
import { identical, install, skipReason, titled } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));

/** 50 SGD steps of a 20-32-32-5 MLP (ReLU, tanh) with cross-entropy on the current backend: losses and final weights. */
function trajectory(): { losses: number[]; weights: Float32Array[] } {
  const x = T.uniform([48, 20], -1, 1, { seed: 11 });
  const labels = T.oneHot(T.tensor(Array.from({ length: 48 }, (_, i) => (i * 3 + (i >> 2)) % 5)), 5);
  const layer = (inputs: number, units: number, seed: number): Tensor[] => [
    T.mul(T.normal([inputs, units], 0, 1, { seed }), Math.sqrt(2 / inputs)).requireGrad(),
    T.zeros([units]).requireGrad(),
  ];
  const params = [...layer(20, 32, 1), ...layer(32, 32, 2), ...layer(32, 5, 3)];
  const [w1, b1, w2, b2, w3, b3] = params;
  const losses: number[] = [];
  for (let step = 0; step < 50; step++) {
    const h1 = T.relu(T.add(T.matmul(x, w1), b1));
    const h2 = T.tanh(T.add(T.matmul(h1, w2), b2));
    const logits = T.add(T.matmul(h2, w3), b3);
    const loss = T.mean(T.mul(T.sum(T.mul(labels, T.logSoftmax(logits)), { axis: -1 }), -1));
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        p.assign(T.sub(p, T.mul(p.grad as Tensor, 0.2)));
        p.zeroGrad();
      }
    });
    losses.push(loss.item());
  }
  return { losses, weights: params.map((p) => p.values as Float32Array) };
}

describe.skipIf(skipReason !== undefined)(titled("training on 'native'"), () => {
  it("follows the 'js' loss trajectory for 50 steps", () => {
    setBackend('js');
    const reference = trajectory().losses;
    setBackend('native');
    const actual = trajectory().losses;
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(actual[i] - reference[i]), `step ${i}: ${actual[i]} vs ${reference[i]}`).toBeLessThan(1e-4 * Math.max(1, reference[i]));
    }
    expect(actual[49]).toBeLessThan(actual[0] * 0.5);
  });

  it('is deterministic with 1 thread: two runs give the same weights bit for bit', () => {
    const threads = getNativeThreads();
    setNativeThreads(1);
    try {
      setBackend('native');
      const first = trajectory();
      const second = trajectory();
      expect(first.losses).toEqual(second.losses);
      first.weights.forEach((w, i) => expect(identical(w, second.weights[i]), `parameter ${i}`).toBe(true));
    } finally {
      setNativeThreads(threads);
    }
  });

  it('trains an MNIST MLP (784-128-10, SGD 0.1, batch 64) for one epoch with fit to over 92% test accuracy', async () => {
    const data = await mnist();
    const train = imageDataset(data.train);
    const test = imageDataset(data.test);
    setBackend('native');
    const model = new Sequential([new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10 })], { inputShape: [784], seed: 1 });
    const result = await fit(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, epochs: 1, batchSize: 64, seed: 1, metrics: [] });
    const { loss, accuracy } = evaluate(model, test, { loss: 'sparseSoftmaxCrossEntropy' });
    expect([...model.parameters().values()].every((p) => p.backend.name === 'native')).toBe(true);
    expect(result.steps).toBe(938);
    expect(loss).toBeLessThan(0.3);
    expect(accuracy).toBeGreaterThan(0.92);
  });
});

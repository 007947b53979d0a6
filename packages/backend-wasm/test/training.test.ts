import * as T from '@keel/tensor';
import { noGrad, setBackend, type Tensor } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { install } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));

/** 50 SGD steps of a 20-32-32-5 MLP (ReLU, tanh) with sparse-style cross-entropy on the current backend; the losses. */
function trajectory(): number[] {
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
  return losses;
}

describe('an MLP trained on wasm', () => {
  it("follows the 'js' loss trajectory for 50 steps", () => {
    setBackend('js');
    const reference = trajectory();
    setBackend('wasm');
    const actual = trajectory();
    expect(actual.length).toBe(50);
    for (let i = 0; i < 50; i++) {
      expect(Math.abs(actual[i] - reference[i]), `step ${i}: ${actual[i]} vs ${reference[i]}`).toBeLessThan(1e-4 * Math.max(1, reference[i]));
    }
    expect(actual[49]).toBeLessThan(actual[0] * 0.5);
  });
});

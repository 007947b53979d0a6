import { imageDataset } from '@keel/data';
import { mnist } from '@keel/data/node';
import { Dense, Sequential } from '@keel/layers';
import { setBackend } from '@keel/tensor';
import { evaluate, fit } from '@keel/train';
import { sgdTrajectory } from '@keel/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getNativeThreads, setNativeThreads } from '../src/index.js';
import { identical, install, skipReason, titled } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));


describe.skipIf(skipReason !== undefined)(titled("training on 'native'"), () => {
  it("follows the 'js' loss trajectory for 50 steps", () => {
    setBackend('js');
    const reference = sgdTrajectory().losses;
    setBackend('native');
    const actual = sgdTrajectory().losses;
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
      const first = sgdTrajectory();
      const second = sgdTrajectory();
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

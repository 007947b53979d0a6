import { ArrayDataset, xor } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { evaluate, fit, installTrain, type FitOptions } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { signumPlugin } from '../src/index.js';

describe('acme/signum by id', () => {
  it('trains XOR from a config that names it, like any built-in optimizer', async () => {
    const registry = new Registry();
    installTrain(registry);
    registry.use(signumPlugin);
    const { x, y } = xor();
    const data = new ArrayDataset(x, [2], Float32Array.from(y), [1]);
    const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 2, registry });
    const config: FitOptions = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'acme/signum', lr: 0.02 }, epochs: 1500, batchSize: 4, registry };
    await fit(model, data, config);
    expect(evaluate(model, data, { loss: 'binaryCrossEntropyWithLogits', registry }).accuracy).toBe(1);
    expect(registry.describe('optimizer', 'acme/signum').plugin).toEqual({ name: '@acme/keel-signum', version: expect.any(String) as string });
  });
});

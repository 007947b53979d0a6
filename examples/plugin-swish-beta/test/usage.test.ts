import { ArrayDataset, xor } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { checkActivation } from '@keel/testkit';
import { evaluate, fit, installTrain } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { brokenSwishBetaPlugin, swishBetaPlugin } from '../src/index.js';

describe('the broken variant', () => {
  it('is caught by the testkit, with a message naming the failing check and the numbers', () => {
    const report = checkActivation('acme/brokenSwishBeta', { plugin: brokenSwishBetaPlugin, config: { beta: 2 } });
    expect(report.ok).toBe(false);
    const failed = report.results.filter((r) => !r.ok).map((r) => r.check);
    expect(failed).toEqual(['gradient matches finite differences (float64)']);
    expect(report.results.find((r) => !r.ok)!.message).toMatch(/^gradcheck FAILED: worst element is input 0 index \d+: analytic -?[\d.e-]+ vs numeric -?[\d.e-]+/);
  });
});

describe('using the plugin by id', () => {
  it('trains XOR with acme/swishBeta hidden units, initialised by the plugin’s recommendation', async () => {
    const registry = new Registry();
    installTrain(registry);
    registry.use(swishBetaPlugin);
    const { x, y } = xor();
    const data = new ArrayDataset(x, [2], Float32Array.from(y), [1]);
    const hidden = new Dense({ units: 8, activation: { id: 'acme/swishBeta', beta: 2 } });
    const model = new Sequential([hidden, new Dense({ units: 1 })], { inputShape: [2], seed: 3, registry });
    await fit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.05 }, epochs: 1000, batchSize: 4, registry });
    expect(hidden.kernelInitializerId).toBe('heNormal');
    expect(evaluate(model, data, { loss: 'binaryCrossEntropyWithLogits', registry }).accuracy).toBe(1);
  });

  it('a typo in the id gets the nearest registered id', () => {
    const registry = new Registry();
    installTrain(registry);
    registry.use(swishBetaPlugin);
    expect(() => registry.resolve('activation', 'acme/swishbeta')).toThrow("did you mean 'acme/swishBeta'?");
  });
});

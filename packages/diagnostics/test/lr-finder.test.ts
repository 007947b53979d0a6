import { ArrayDataset, applyStandardize, fitStandardize, spirals } from '@keel/data';
import { BatchNorm, Dense, Sequential } from '@keel/layers';
import { sgd } from '@keel/optimizers';
import { describe, expect, it } from 'vitest';
import { lrFinder, probe } from '../src/index.js';
import { freshRegistry } from './helpers.js';

function spiralData(): ArrayDataset {
  const set = spirals({ n: 600, classes: 3, noise: 0.2, seed: 1 });
  return new ArrayDataset(applyStandardize(set.x, fitStandardize(set.x, 2)), [2], Float32Array.from(set.y), []);
}

const values = (model: Sequential): Float32Array[] => [...model.parameters().values(), ...model.buffers().values()].map((t) => Float32Array.from(t.values));

describe('lrFinder: the LR range test', () => {
  it('sweeps exponentially, stops at divergence, suggests min-loss/10, and restores the weights and buffers bit for bit', async () => {
    const registry = freshRegistry();
    const model = new Sequential([new Dense({ units: 32, activation: 'relu' }), new BatchNorm(), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry }).build();
    const before = values(model);
    const result = await lrFinder(model, spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: 'sgd', start: 1e-5, end: 100, steps: 120, batchSize: 32, registry });
    expect(values(model)).toEqual(before);
    for (const p of model.parameters().values()) expect(p.grad).toBeNull();
    expect(result.lrs[0]).toBeCloseTo(1e-5, 12);
    expect(result.lrs[1] / result.lrs[0]).toBeCloseTo((100 / 1e-5) ** (1 / 119), 6);
    expect(result.stoppedEarly).toBe(true);
    expect(result.lrs.length).toBeLessThan(120);
    expect(result.losses.length).toBe(result.lrs.length);
    expect(result.method).toBe('min-loss/10');
    expect(result.suggested).toBeCloseTo(result.minimum!.lr / 10, 12);
    expect(result.suggested).toBeGreaterThan(1e-3);
    expect(result.suggested).toBeLessThan(3);
    expect(result.steepest).toBeLessThan(result.minimum!.lr);
  });

  it('says so when the loss does not respond to the learning rate', async () => {
    const registry = freshRegistry();
    const dead = new Sequential([new Dense({ units: 16, activation: 'relu', biasInitializer: { id: 'constant', value: -50 } }), new Dense({ units: 3, useBias: false })], { inputShape: [2], seed: 1, registry });
    const result = await lrFinder(dead, spiralData(), { loss: 'sparseSoftmaxCrossEntropy', steps: 60, registry });
    expect(result.suggested).toBeUndefined();
    expect(result.note).toMatch(/did not respond/);
  });

  it('needs an optimizer it can set the learning rate of', async () => {
    const registry = freshRegistry();
    const model = new Sequential([new Dense({ units: 4 })], { inputShape: [2], registry });
    await expect(lrFinder(model, spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: sgd({ lr: 0.1 }), registry })).rejects.toThrow(/by id or config/);
  });
});

describe('probe', () => {
  it('lints, trains a few hundred steps, runs the LR range test when the rate looks wrong, and leaves the model as it found it', async () => {
    const registry = freshRegistry();
    const model = new Sequential([new Dense({ units: 32, activation: 'relu' }), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry }).build();
    const before = values(model);
    const report = await probe({ model, data: spiralData(), loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 1e-6 }, steps: 200, batchSize: 32, registry });
    expect(values(model)).toEqual(before);
    expect(report.outcome).toMatchObject({ status: 'completed', steps: 200 });
    const low = report.findings.find((f) => f.code === 'lr-too-low' || f.code === 'loss-stuck');
    expect(low).toBeDefined();
    expect(report.lrFinder?.suggested).toBeGreaterThan(1e-3);
    expect(low!.evidence.lrFinderSuggestion).toBeGreaterThan(1e-3);
    expect(low!.fix).toMatch(/LR range test on this set-up suggests lr/);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

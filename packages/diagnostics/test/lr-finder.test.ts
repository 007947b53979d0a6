import { ArrayDataset, applyStandardize, fitStandardize, spirals } from '@keel/data';
import { BatchNorm, Dense, Sequential } from '@keel/layers';
import { sgd } from '@keel/optimizers';
import { describe, expect, it } from 'vitest';
import { lrFinder, probe } from '../src/index.js';
import { suggest } from '../src/lr-finder.js';
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

/** An exponential sweep of `n` rates from `start` to `end`, as lrFinder takes it. */
function sweep(n: number, start = 1e-6, end = 10): number[] {
  return Array.from({ length: n }, (_, i) => start * (end / start) ** (i / (n - 1)));
}

/** A seeded uniform generator in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('lrFinder suggests only a rate the sweep tested, read off a minimum inside it', () => {
  it('no suggestion when the loss never fell below its value at the first rate (it was a tenth of a rate below start)', () => {
    const lrs = sweep(10);
    const result = suggest(lrs, [0.66, 0.665, 0.67, 0.68, 0.7, 0.72, 0.75, 0.8, 0.9, 1.2], true);
    expect(result.suggested).toBeUndefined();
    expect(result.minimum).toEqual({ lr: 1e-6, loss: 0.66 });
    expect(result.note).toBe(
      'the loss never fell below its value at the first rate (1e-6): its minimum is at the start of the sweep, so the sweep shows no rate where it trains; ' +
        'sweep again with more steps (steps 100), or a lower start (start 1e-8) if the loss rose from the first rates on',
    );
  });

  it('no suggestion when the minimum is at the last rate of a sweep that never diverged (the loss may fall further beyond it)', () => {
    const lrs = sweep(10, 1, 10);
    const result = suggest(lrs, [1.4, 1.35, 1.5, 1.6, 1.6, 1.5, 1.45, 1.45, 1.4, 1.2], false);
    expect(result.suggested).toBeUndefined();
    expect(result.note).toBe(
      'the lowest loss is at the last rate (10) of a sweep that never diverged: where the loss turns up lies beyond the sweep, so its minimum says nothing; sweep again with a higher end (end 1000)',
    );
    // the same curve stopped by a divergence just after it did turn up: its minimum counts
    expect(suggest([...lrs, 12.9], [1.4, 1.35, 1.5, 1.6, 1.6, 1.5, 1.45, 1.45, 1.4, 1.2, null], true).suggested).toBeCloseTo(1, 12);
  });

  it('no suggestion when a tenth of the minimum lies below the first rate', () => {
    const lrs = sweep(100);
    const smoothed = lrs.map((_, i) => (i <= 5 ? 2 - 0.2 * i : 1 + 0.1 * (i - 5)));
    const result = suggest(lrs, smoothed, true);
    expect(result.minimum!.lr).toBeCloseTo(lrs[5], 12);
    expect(result.suggested).toBeUndefined();
    expect(result.note).toMatch(/^the lowest loss is at lr 2\.26e-6, less than a decade above the first rate \(1e-6\): a tenth of it \(2\.26e-7\) was never tried; sweep again with a lower start \(start 2\.26e-8\)$/);
  });

  it('no suggestion when the loss fell less than 5% before it rose', () => {
    const lrs = sweep(100);
    const smoothed = lrs.map((_, i) => (i <= 60 ? 0.666 - 0.0005 * i : 0.636 + 0.05 * (i - 60)));
    const result = suggest(lrs, smoothed, true);
    expect(result.suggested).toBeUndefined();
    expect(result.note).toMatch(/^the loss fell only 4\.5% \(from 0\.666 to 0\.636 at lr /);
  });

  it('a curve that falls, bottoms out and turns up inside the sweep: a tenth of the minimum', () => {
    const lrs = sweep(100);
    const smoothed = lrs.map((_, i) => 2.3 - 1.8 * Math.exp(-(((i - 70) / 12) ** 2)));
    const result = suggest(lrs, smoothed, true);
    expect(result.minimum!.lr).toBeCloseTo(lrs[70], 12);
    expect(result.suggested).toBeCloseTo(lrs[70] / 10, 12);
    expect(result.note).toBeUndefined();
  });

  it('over 2000 random curves, a suggestion is always inside [start, end], and its absence always has a note', () => {
    const next = random(19);
    for (let trial = 0; trial < 2000; trial++) {
      const n = 10 + Math.floor(next() * 120);
      const lrs = sweep(n, 10 ** (-8 + 6 * next()), 10 ** (-1 + 3 * next()));
      let loss = 0.5 + 2 * next();
      const smoothed = lrs.map(() => (loss = Math.max(0, loss + (next() - 0.55) * 0.2)));
      const result = suggest(lrs, smoothed, next() < 0.5);
      if (result.suggested === undefined) expect(result.note).toBeTypeOf('string');
      else {
        expect(result.suggested).toBeGreaterThanOrEqual(lrs[0]);
        expect(result.suggested).toBeLessThanOrEqual(lrs[n - 1]);
      }
    }
  });

  it("the attack's case: 10 steps of SGD on XOR (keel lr-find's set-up), whose loss never fell, get no suggestion", async () => {
    const registry = freshRegistry();
    const repeated = new Float32Array(4 * 2 * 64);
    const labels = new Float32Array(4 * 64);
    for (let r = 0; r < 64; r++) {
      repeated.set([0, 0, 0, 1, 1, 0, 1, 1], r * 8);
      labels.set([0, 1, 1, 0], r * 4);
    }
    const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 0, registry });
    const result = await lrFinder(model, new ArrayDataset(repeated, [2], labels, [1]), { loss: 'binaryCrossEntropyWithLogits', optimizer: 'sgd', steps: 10, batchSize: 4, registry });
    expect(result.lrs).toHaveLength(10);
    expect(result.suggested).toBeUndefined();
    expect(result.note).toMatch(/^the loss never fell below its value at the first rate \(1e-6\)/);
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

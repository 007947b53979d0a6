// Seed 000 — "ReLU activation function outputs HUGE numbers" (datascience.stackexchange 24579).
// A 1-3-1 network learning x → x+1 from 100 random integers 0..99: leaky ReLU on every layer
// ("Leaky ReLU is faster"), weights and biases from np.random.rand (uniform 0..1), raw inputs,
// the cost ½Σ(y − ŷ)² summed over all 100 examples, full-batch gradient descent. The weights go to
// inf; the asker's only remedy was a learning rate of 1e-10.
import { ArrayDataset, Rng } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { tensor } from '@keel/tensor';
import { fit, predict } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { diagnoseFit, explain, lint, lrFinder, probe } from '../../src/index.js';
import { codes, find, freshRegistry, show, since } from '../helpers.js';

/** 100 random integers 0..99 and their successors, divided by `scale`. */
function successorData(scale: number): ArrayDataset {
  const rng = new Rng(1);
  const x = new Float32Array(100);
  const y = new Float32Array(100);
  for (let i = 0; i < 100; i++) {
    const v = Math.floor(rng.next() * 100);
    x[i] = v / scale;
    y[i] = (v + 1) / scale;
  }
  return new ArrayDataset(x, [1], y, [1]);
}

const rand = { id: 'uniform', minval: 0, maxval: 1 } as const; // np.random.rand

function askersModel(registry: Registry): Sequential {
  const layer = (units: number): Dense => new Dense({ units, activation: 'leakyRelu', kernelInitializer: rand, biasInitializer: rand });
  return new Sequential([layer(3), layer(1)], { inputShape: [1], seed: 0, registry });
}

describe('seed 000: ReLU outputs huge numbers, then inf', () => {
  it('traces the inf to its op and names the causes: raw 0–100 inputs, a loss summed over the batch, a learning rate too high, all-positive weights', async () => {
    const registry = freshRegistry();
    const started = performance.now();
    const { report } = await diagnoseFit(askersModel(registry), successorData(1), {
      loss: { id: 'meanSquaredError', reduction: 'sum' },
      optimizer: { id: 'sgd', lr: 1e-4 },
      batchSize: 100,
      epochs: 100,
      shuffle: false,
      registry,
    });
    show(`seed 000 as asked (${since(started)}):`, report);
    expect(report.outcome.status).toBe('non-finite');
    expect(codes(report)).toEqual(
      expect.arrayContaining(['inputs-not-normalized', 'loss-summed-not-averaged', 'lr-too-high', 'nan-produced', 'init-not-centered', 'targets-not-normalized']),
    );
    // The first op that produced the Infinity, found by re-running the failing step op by op.
    const nan = find(report, 'nan-produced');
    expect(nan.source).toBe('trace');
    expect(nan.evidence.phase).toBe('forward');
    expect(typeof nan.evidence.op).toBe('string');
    expect(report.trace?.found).toBe(true);
    expect(report.trace?.output?.posInf).toBeGreaterThan(0);
    expect(explain(nan)).toMatch(/first non-finite value was produced by \w+ in the forward pass/);
    expect(explain(nan)).toMatch(/weights had grown huge/);
    expect(explain(find(report, 'inputs-not-normalized'))).toMatch(/whole numbers from 0 to 99.*raw 0–100 values, not normalised/);
    expect(explain(find(report, 'loss-summed-not-averaged'))).toMatch(/summed over the batch.*100× larger/);
    expect(find(report, 'lr-too-high').step).toBe(0);
  });

  it("explains why the asker's lr 1e-10 'fix' only hides the problem", async () => {
    const registry = freshRegistry();
    const report = await probe({ model: askersModel(registry), data: successorData(1), loss: { id: 'meanSquaredError', reduction: 'sum' }, optimizer: { id: 'sgd', lr: 1e-10 }, batchSize: 100, steps: 300, registry });
    show('seed 000 with lr 1e-10:', report);
    expect(report.outcome.status).toBe('completed');
    expect(codes(report)).toEqual(expect.arrayContaining(['inputs-not-normalized', 'loss-summed-not-averaged', 'lr-too-low']));
    expect(explain(find(report, 'lr-too-low'))).toMatch(/made tiny to stop a divergence that the summed loss and the unnormalised inputs caused/);
  });

  it('following the fixes (inputs and targets scaled, mean loss, default He init, lr from the LR range test) fits x → x+1 on 0..100', async () => {
    const registry = freshRegistry();
    const data = successorData(100);
    const model = new Sequential([new Dense({ units: 3, activation: 'leakyRelu' }), new Dense({ units: 1, activation: 'leakyRelu' })], { inputShape: [1], seed: 0, registry });
    expect(lint({ model, loss: 'meanSquaredError', optimizer: 'sgd', data, registry }).findings).toEqual([]);
    const finder = await lrFinder(model, data, { loss: 'meanSquaredError', optimizer: 'sgd', batchSize: 100, registry });
    expect(finder.suggested).toBeGreaterThan(1e-3);
    await fit(model, data, { loss: 'meanSquaredError', optimizer: { id: 'sgd', lr: finder.suggested }, batchSize: 100, epochs: 2000, registry });
    const xs = Array.from({ length: 101 }, (_, i) => i);
    const predicted = predict(model, tensor(xs.map((v) => [v / 100]))).values;
    const worst = Math.max(...xs.map((v, i) => Math.abs(predicted[i] * 100 - (v + 1))));
    console.log(`seed 000 fixed: lr ${finder.suggested!.toPrecision(3)} (LR range test), worst error over 0..100: ${worst.toPrecision(3)}`);
    expect(worst).toBeLessThan(0.5);
  });
});

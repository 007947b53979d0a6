// Seed 003 — MNIST 784-30-10 "from scratch": sigmoid hidden units, a hand-written softmax output
// (1/sum(exp(z)) * exp(z)), weights from np.random.rand (uniform 0..1), the loss -log(p[y]) and its
// gradients summed over the whole training set, full-batch gradient descent with lr 0.001. "My
// weights go from between 0 and 1 to tens of thousands in the next iteration; in the 3rd
// iteration only nan." The answers: average the gradients over the examples instead of summing,
// initialise with small zero-mean weights (rand's 0..1 saturates the sigmoids), and get the
// softmax/cross-entropy right (compute it stably, from logits; the sigmoid derivative was applied
// to z instead of the activation — impossible in Keel, whose sigmoid backward reads the output).
import type { ActivationEntry } from '@keel/activations';
import { ArrayDataset, oneHotLabels } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { definePlugin, type Registry } from '@keel/registry';
import { div, exp, sum, type Tensor } from '@keel/tensor';
import { evaluate, fit } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { diagnoseFit, explain, lint, lrFinder } from '../../src/index.js';
import { codes, find, freshRegistry, mnistData, show, since } from '../helpers.js';

/** The asker's softmax, as a third-party activation: exp of the raw input, no max subtracted. */
const handWrittenSoftmax: ActivationEntry = {
  id: 'seed003/softmax',
  description: "the asker's softmax: 1/sum(exp(z)) * exp(z)",
  forward: (z: Tensor) => div(exp(z), sum(exp(z), { axis: -1, keepDims: true })),
  meta: { gain: 1, gainIsConvention: true, recommendedInitializer: 'glorotUniform', outputRange: [0, 1], saturation: {}, kinks: [], producesProbabilities: true, rowwise: true },
};
const seedPlugin = definePlugin({ name: 'seed-003', version: '1.0.0', provides: { activation: [handWrittenSoftmax] } });

declare module '@keel/registry' {
  interface RegisteredIds {
    'activation:seed003/softmax': true;
  }
}

const rand = { id: 'uniform', minval: 0, maxval: 1 } as const; // np.random.rand
/** Full-batch training on the first 10,000 images: the sum still makes every step 10,000× too large (the whole 60,000 takes ~20 s a step here). */
const EXAMPLES = 10_000;

function registryWithPlugin(): Registry {
  const registry = freshRegistry();
  registry.use(seedPlugin);
  return registry;
}

describe('seed 003: weights explode, then NaN, in the 3rd iteration', () => {
  it('traces the NaN to exp in the hand-written softmax of dense_2 and names the causes: a loss summed over the data set, uniform(0, 1) weights that saturate the sigmoids', async () => {
    const registry = registryWithPlugin();
    const { train, labels } = await mnistData();
    const data = new ArrayDataset(train.features.subarray(0, EXAMPLES * 784), [784], oneHotLabels(labels.subarray(0, EXAMPLES), 10), [10]);
    const model = new Sequential(
      [new Dense({ units: 30, activation: 'sigmoid', kernelInitializer: rand }), new Dense({ units: 10, activation: 'seed003/softmax', kernelInitializer: rand })],
      { inputShape: [784], seed: 1, registry },
    );
    const started = performance.now();
    // -log(p[y]) on probabilities and one-hot targets is the KL divergence; summed, like the asker's.
    const { report, error } = await diagnoseFit(model, data, { loss: { id: 'klDivergence', reduction: 'sum' }, optimizer: { id: 'sgd', lr: 0.001 }, batchSize: EXAMPLES, epochs: 10, registry });
    show(`seed 003 as asked (${since(started)}):`, report);
    expect((error as Error).name).toBe('NumericsError'); // fit's guard stopped it; the doctor explained it
    expect(report.outcome.status).toBe('non-finite');
    expect(codes(report)).toEqual(expect.arrayContaining(['nan-produced', 'loss-summed-not-averaged', 'init-too-large', 'init-not-centered', 'saturated-units']));
    const nan = find(report, 'nan-produced');
    expect(nan.layer).toBe('dense_2');
    expect(nan.evidence).toMatchObject({ op: 'exp', phase: 'forward', scope: 'dense_2', traced: true });
    expect(nan.step).toBeLessThanOrEqual(5);
    expect(explain(nan)).toMatch(/produced by exp in the forward pass of layer dense_2.*its inputs: .* to 8\d\.\d/);
    expect(explain(nan)).toMatch(/'seed003\/softmax' computes exp of an unbounded input/);
    expect(explain(find(report, 'loss-summed-not-averaged'))).toMatch(/lr 0\.001 acts like 10\b/);
    expect(find(report, 'saturated-units', 'dense_1').evidence.saturatedFraction).toBeGreaterThan(0.99);
  });

  it("Keel's own softmax with a from-logits loss, the natural rewrite, is flagged before training as softmax applied twice", async () => {
    const registry = freshRegistry();
    const { train } = await mnistData();
    const model = new Sequential([new Dense({ units: 30, activation: 'sigmoid', kernelInitializer: rand }), new Dense({ units: 10, activation: 'softmax', kernelInitializer: rand })], { inputShape: [784], seed: 1, registry });
    const { findings } = lint({ model, loss: { id: 'sparseSoftmaxCrossEntropy', reduction: 'sum' }, optimizer: { id: 'sgd', lr: 0.001 }, data: train, batchSize: 60_000, registry });
    const twice = find(findings, 'probabilities-for-logits', 'dense_2');
    expect(twice.severity).toBe('error');
    expect(explain(twice)).toMatch(/applies softmax, and sparseSoftmaxCrossEntropy applies softmax again/);
    expect(explain(find(findings, 'loss-summed-not-averaged'))).toMatch(/every step is 60000× larger/);
  });

  it('following the fixes (default Glorot init, a mean loss, a linear output with sparseSoftmaxCrossEntropy, lr from the LR range test) reaches ≥ 95% test accuracy in one epoch', async () => {
    const { train, test } = await mnistData();
    const results: string[] = [];
    // With the asker's 30 hidden units one epoch tops out around 93–95% whatever the optimizer or
    // activation (measured, batch 16: sigmoid SGD+momentum 90–93%, sigmoid Adam 94.2%, tanh Adam
    // 94.6%, ReLU Adam 95.0%); 95% in one epoch reliably needs more units, so the 30-unit net is
    // held to 92% and the 128-unit one to the 95%.
    for (const units of [30, 128]) {
      const registry = freshRegistry();
      const model = new Sequential([new Dense({ units, activation: 'sigmoid' }), new Dense({ units: 10 })], { inputShape: [784], seed: 1, registry });
      const finder = await lrFinder(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: 'adam', batchSize: 32, registry });
      const started = performance.now();
      await fit(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'adam', lr: finder.suggested }, epochs: 1, batchSize: 32, seed: 1, registry });
      const { accuracy } = evaluate(model, test, { loss: 'sparseSoftmaxCrossEntropy', registry });
      results.push(`784-${units}-10: Adam lr ${finder.suggested!.toPrecision(3)}, one epoch in ${since(started)}, test accuracy ${(accuracy * 100).toFixed(2)}%`);
      expect(accuracy).toBeGreaterThanOrEqual(units === 30 ? 0.92 : 0.95);
    }
    console.log(`seed 003 fixed:\n  ${results.join('\n  ')}`);
  });
});

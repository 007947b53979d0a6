// Seed 001 — an MNIST MLP 784-128-10 "written from scratch": ReLU hidden layer, a sigmoid output,
// every weight and bias from uniform(-0.5, 0.5), inputs divided by 255, MSE on one-hot targets.
// "The exponents get abnormally high"; lowering the learning rate and scaling the inputs did not
// help. The answer: the initialisation's std is far too big (use ~1/√fan-in), MSE is the wrong
// loss for ten classes (use softmax / log-softmax), check the learning rate, plot the layers'
// distributions.
import { ArrayDataset, oneHotLabels } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { evaluate, fit } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { explain, lrFinder, probe, renderReport } from '../../src/index.js';
import { codes, find, freshRegistry, mnistData, show, since } from '../helpers.js';

const uniform = { id: 'uniform', minval: -0.5, maxval: 0.5 } as const;

describe('seed 001: MNIST with uniform(±0.5) weights, a sigmoid output and MSE on one-hot targets', () => {
  it('names the answer’s points: initialisation far too large for 784 inputs, MSE on ten classes; the inputs are fine; per-layer distributions in the report', async () => {
    const registry = freshRegistry();
    const { train, labels } = await mnistData();
    const oneHot = new ArrayDataset(train.features, [784], oneHotLabels(labels, 10), [10]);
    const model = new Sequential(
      [
        new Dense({ units: 128, activation: 'relu', kernelInitializer: uniform, biasInitializer: uniform }),
        new Dense({ units: 10, activation: 'sigmoid', kernelInitializer: uniform, biasInitializer: uniform }),
      ],
      { inputShape: [784], seed: 1, registry },
    );
    const started = performance.now();
    // The asker trains full-batch; the probe uses batches of 64 so 300 steps take seconds.
    const report = await probe({ model, data: oneHot, loss: 'meanSquaredError', optimizer: { id: 'sgd', lr: 0.1 }, batchSize: 64, steps: 300, registry });
    show(`seed 001 as asked (${since(started)}):`, report);
    console.log(renderReport(report));
    expect(codes(report)).toEqual(expect.arrayContaining(['init-too-large', 'mse-on-classification', 'saturated-units']));
    expect(codes(report)).not.toContain('inputs-not-normalized'); // they did divide by 255
    const init = find(report, 'init-too-large', 'dense_1');
    expect(init.evidence.secondMomentTimesFanIn).toBeCloseTo(784 / 12, 0); // E[w²] = 1/12 for uniform(±0.5)
    expect(explain(init)).toMatch(/He initializer for ReLU \(std 0\.05/);
    expect(explain(find(report, 'mse-on-classification'))).toMatch(/softmaxCrossEntropy/);
    expect(find(report, 'saturated-units').layer).toBe('dense_2');
    // "plot the dist for layers": the report has per-layer statistics at init and over training.
    expect(report.lint?.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2']);
    expect(report.series?.layers.dense_1.length).toBeGreaterThan(10);
  });

  it('following the fixes (default He init, linear output + sparseSoftmaxCrossEntropy, lr from the LR range test) reaches ≥ 95% test accuracy in one epoch', async () => {
    const registry = freshRegistry();
    const { train, test } = await mnistData();
    const model = new Sequential([new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10 })], { inputShape: [784], seed: 1, registry });
    const finder = await lrFinder(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: 'adam', batchSize: 32, registry });
    expect(finder.suggested).toBeGreaterThan(1e-4);
    expect(finder.suggested).toBeLessThan(1e-2);
    const started = performance.now();
    await fit(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'adam', lr: finder.suggested }, epochs: 1, batchSize: 32, seed: 1, registry });
    const { accuracy } = evaluate(model, test, { loss: 'sparseSoftmaxCrossEntropy', registry });
    console.log(`seed 001 fixed: Adam lr ${finder.suggested!.toPrecision(3)} (LR range test), one epoch in ${since(started)}: test accuracy ${(accuracy * 100).toFixed(2)}%`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

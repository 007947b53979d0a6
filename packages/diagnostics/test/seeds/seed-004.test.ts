// Seed 004 — "Backpropagation with Rectified Linear Units": a deep MNIST network that learned well
// with logistic units stops learning when switched to ReLU; "the weights quickly go to zero". The
// asker's own answer: the small initialisation that suits logistic units starves ReLU units — the
// network ignores the features and learns only the bias; larger initial weights fixed it.
import { take } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { evaluate, fit } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { explain, probe } from '../../src/index.js';
import { codes, find, freshRegistry, mnistData, show, since } from '../helpers.js';

const small = { id: 'normal', stddev: 0.01 } as const; // the logistic-network habit: N(0, 0.01²)

function deepRelu(registry: Registry, kernelInitializer?: typeof small): Sequential {
  const hidden = (): Dense => new Dense({ units: 128, activation: 'relu', ...(kernelInitializer !== undefined ? { kernelInitializer } : {}) });
  return new Sequential([hidden(), hidden(), hidden(), new Dense({ units: 10, ...(kernelInitializer !== undefined ? { kernelInitializer } : {}) })], { inputShape: [784], seed: 1, registry });
}

describe('seed 004: a deep ReLU net with a logistic-scale initialisation learns only the bias', () => {
  it('reports the initialisation too small for ReLU, the vanishing signal, and a loss stuck at ln 10', async () => {
    const registry = freshRegistry();
    const { train, test } = await mnistData();
    const model = deepRelu(registry, small);
    const started = performance.now();
    const report = await probe({ model, data: train, loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, batchSize: 64, steps: 300, registry, restore: false });
    show(`seed 004 as asked (${since(started)}):`, report);
    expect(codes(report)).toEqual(expect.arrayContaining(['init-too-small-for-relu', 'activations-vanishing', 'loss-stuck']));
    const init = find(report, 'init-too-small-for-relu', 'dense_2');
    expect(init.severity).toBe('error');
    expect(explain(init)).toMatch(/std 0\.01, 13× below the He std 0\.125.*learns only the biases/);
    expect(explain(find(report, 'loss-stuck'))).toMatch(/class frequencies/);
    // What "learns only the bias" looks like: after 300 steps it is no better than guessing.
    const { accuracy } = evaluate(model, take(test, 2000), { loss: 'sparseSoftmaxCrossEntropy', registry });
    console.log(`seed 004 as asked: test accuracy after 300 steps ${(accuracy * 100).toFixed(1)}%`);
    expect(accuracy).toBeLessThan(0.2);
  });

  it('following the fix (the default He initializer) the same net and the same 300 steps learn far beyond the bias', async () => {
    const registry = freshRegistry();
    const { train, test } = await mnistData();
    const model = deepRelu(registry);
    const report = await probe({ model, data: train, loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, batchSize: 64, steps: 300, registry, restore: false });
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    const { accuracy } = evaluate(model, take(test, 2000), { loss: 'sparseSoftmaxCrossEntropy', registry });
    console.log(`seed 004 fixed: test accuracy after 300 steps ${(accuracy * 100).toFixed(1)}%`);
    expect(accuracy).toBeGreaterThan(0.85);
    void fit; // (the probe above is the training: 300 steps of fit under the doctor)
  });
});

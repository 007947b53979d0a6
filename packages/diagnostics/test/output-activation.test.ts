// What the lints read off the output layer's activation: its metadata decides whether outputs in
// [0, 1] can be probabilities (a linear layer's 4 logits landing there by chance cannot), and a
// plugin activation whose metadata lacks a field is read as unknown there, never crashed on.
import { ArrayDataset } from '@keel/data';
import { Dense, Sequential, type Module } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { full, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { Doctor, diagnoseFit, lint, probe } from '../src/index.js';
import { codes, find, freshRegistry } from './helpers.js';

/** The XOR points `copies` times over, with their labels as [n, 1] targets. */
function xorBatch(copies = 1): { x: Tensor; y: Tensor } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < copies; i++) {
    x.push(0, 0, 0, 1, 1, 0, 1, 1);
    y.push(0, 1, 1, 0);
  }
  return { x: tensor(x, [4 * copies, 2]), y: tensor(y, [4 * copies, 1]) };
}

/** keel doctor xor's model, its output layer set to give 0.5 for every input: logits in [0, 1], not zero. */
function halfLogits(registry: Registry): Sequential {
  const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 0, registry }).build();
  const params = model.parameters();
  params.get('dense_2/kernel')!.assign(full([8, 1], 0));
  params.get('dense_2/bias')!.assign(full([1], 0.5));
  return model;
}

/** The same network hidden behind a plain Module: no layers, so no activation the lints can read. */
function opaque(model: Sequential): Module {
  return { apply: (x) => model.apply(x), parameters: () => model.parameters(), buffers: () => model.buffers(), train: () => model.train(), eval: () => model.eval() };
}

describe('probabilities-for-logits and the output layer', () => {
  it('a linear output whose logits all fall in [0, 1] is not taken for a sigmoid, from 4 examples or 64', () => {
    const registry = freshRegistry();
    const model = halfLogits(registry);
    for (const copies of [1, 16]) {
      const { findings } = lint({ model, loss: 'binaryCrossEntropyWithLogits', batch: xorBatch(copies), registry });
      expect(codes(findings)).not.toContain('probabilities-for-logits');
    }
  });

  it('an output of unknown activation is judged by its values, but only from 16 examples up', () => {
    const registry = freshRegistry();
    const model = opaque(halfLogits(registry));
    expect(codes(lint({ model, loss: 'binaryCrossEntropyWithLogits', batch: xorBatch(1), registry }).findings)).not.toContain('probabilities-for-logits');
    const many = lint({ model, loss: 'binaryCrossEntropyWithLogits', batch: xorBatch(4), registry });
    expect(find(many.findings, 'probabilities-for-logits').summary).toMatch(/every prediction lies in \[0, 1\]/);
  });

  it('a sigmoid output before a from-logits loss is still an error, from its metadata', () => {
    const registry = freshRegistry();
    const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2], seed: 0, registry });
    const f = find(lint({ model, loss: 'binaryCrossEntropyWithLogits', batch: xorBatch(1), registry }).findings, 'probabilities-for-logits');
    expect(f.severity).toBe('error');
  });

  it("keel doctor xor's set-up over seeds 0–7 has no such finding", async () => {
    const x = Float32Array.from({ length: 4 * 2 * 64 }, (_, i) => [0, 0, 0, 1, 1, 0, 1, 1][i % 8]);
    const y = Float32Array.from({ length: 4 * 64 }, (_, i) => [0, 1, 1, 0][i % 4]);
    for (let seed = 0; seed < 8; seed++) {
      const registry = freshRegistry();
      const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed, registry });
      const report = await probe({ model, data: new ArrayDataset(x, [2], y, [1]), loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.05 }, batchSize: 4, steps: 2, seed, registry, lrFinder: false });
      expect(codes(report), `seed ${seed}`).not.toContain('probabilities-for-logits');
    }
  });
});

describe('an activation whose metadata lacks optional-looking fields', () => {
  /** keel doctor xor's model with dense_1's activation read back without saturation, kinks or outputRange (a plain-JS plugin's meta). */
  function withoutMeta(registry: Registry): Sequential {
    const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 0, registry }).build();
    const layer = model.layers[0] as Dense;
    const { id, gain, recommendedInitializer } = layer.activation!;
    // what the doctor reads; the layer still computes tanh
    Object.defineProperty(layer, 'activation', { value: { id: 'acme/tanh', gain, recommendedInitializer, outputRange: 'all', kinks: null }, configurable: true });
    expect(id).toBe('tanh');
    return model;
  }

  it('the doctor attaches, lints and probes without a TypeError, reading the missing fields as unknown', async () => {
    const registry = freshRegistry();
    const model = withoutMeta(registry);
    expect(() => new Doctor({ registry }).attachModel(model)).not.toThrow();
    const data = new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [2], Float32Array.from([0, 1, 1, 0]), [1]);
    const report = await probe({ model, data, loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.05 }, batchSize: 4, steps: 5, registry, lrFinder: false });
    expect(report.outcome).toMatchObject({ status: 'completed', steps: 5 });
    expect(report.model.layers[0].activation).toBe('acme/tanh');
    expect(report.lint?.layers[0].saturatedFraction).toBeUndefined();
  });

  it('a NaN during training is still traced to its op (the explanation of a NaN never crashes)', async () => {
    const registry = freshRegistry();
    const model = withoutMeta(registry);
    const data = new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, NaN, 1]), [2], Float32Array.from([0, 1, 1, 0]), [1]);
    const { report } = await diagnoseFit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: 'sgd', batchSize: 4, registry });
    expect(report.outcome.status).toBe('non-finite');
    expect(find(report, 'nan-produced').evidence).toMatchObject({ traced: true, phase: 'input' });
  });
});

import { Dense, Sequential } from '@keel/layers';
import { sparseSoftmaxCrossEntropy } from '@keel/losses';
import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { traceStep } from '../src/index.js';
import { freshRegistry } from './helpers.js';

describe('traceStep: the op that produced the first NaN/Inf', () => {
  const registry = freshRegistry();
  const model = (): Sequential => new Sequential([new Dense({ units: 4, activation: 'relu' }), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry }).build();

  it('finds a forward matmul fed by an overflowing weight, names the layer and parameter, and restores the weights', () => {
    const m = model();
    const kernel = m.parameters().get('dense_2/kernel')!;
    const saved = Float32Array.from(kernel.values);
    const weights = new Map([...m.parameters()].map(([name, p]) => [name, Float32Array.from(p.values)]));
    weights.get('dense_2/kernel')!.fill(3e38);
    const result = traceStep({ model: m, x: tensor([[1, 2], [3, 4]]), y: tensor([0, 2]), loss: sparseSoftmaxCrossEntropy, weights, step: 7 });
    expect(result).toMatchObject({ step: 7, found: true, phase: 'forward', op: 'matmul', layer: 'dense_2', parameter: 'dense_2/kernel' });
    expect(result.inputs.map((i) => i.role)).toEqual(['intermediate', 'parameter']);
    expect(result.output?.posInf).toBeGreaterThan(0);
    expect(Array.from(kernel.values)).toEqual(Array.from(saved));
  });

  it("says when the batch itself holds NaN, and when a weight was already non-finite before the step", () => {
    const m = model();
    const fromData = traceStep({ model: m, x: tensor([[1, NaN]], undefined, { allowNonFinite: true }), y: tensor([0]), loss: sparseSoftmaxCrossEntropy, step: 0 });
    expect(fromData.phase).toBe('input');
    const weights = new Map([...m.parameters()].map(([name, p]) => [name, Float32Array.from(p.values)]));
    weights.get('dense_1/bias')![0] = NaN;
    const fromWeights = traceStep({ model: m, x: tensor([[1, 2]]), y: tensor([0]), loss: sparseSoftmaxCrossEntropy, weights, step: 3 });
    expect(fromWeights.phase).toBe('weights');
    expect(fromWeights.nonFiniteWeights).toEqual(['dense_1/bias']);
  });
});

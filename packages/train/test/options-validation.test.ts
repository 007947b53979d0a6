import { ArrayDataset } from '@keel/data';
import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { evaluate, fit, learningRateScheduler, predict, type FitOptions } from '../src/index.js';
import { freshRegistry, xorData, xorModel } from './helpers.js';

const base = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 0.1 } } as const;

async function fitError(options: Partial<FitOptions>, data = xorData()): Promise<Error> {
  const registry = freshRegistry();
  const model = xorModel(1, registry);
  const error = await fit(model, data, { ...base, registry, ...options }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (error === undefined) throw new Error(`fit accepted ${JSON.stringify(options)}`);
  return error;
}

describe('fit rejects bad options before any step', () => {
  it.each([NaN, -1, 0, 1.5, Infinity])('epochs %s', async (epochs) => {
    const error = await fitError({ epochs });
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`fit: epochs must be a whole number >= 1, got ${epochs} (e.g. epochs: 10)`);
  });

  it.each([0, NaN, 2.5, -4])('batchSize %s', async (batchSize) => {
    const error = await fitError({ batchSize });
    expect(error.message).toBe(`fit: batchSize must be a whole number >= 1, got ${batchSize} (e.g. batchSize: 32)`);
  });

  it.each([NaN, -1, 0.5])('initialEpoch %s', async (initialEpoch) => {
    const error = await fitError({ initialEpoch, epochs: 2 });
    expect(error.message).toBe(`fit: initialEpoch must be a whole number >= 0, got ${initialEpoch} (e.g. initialEpoch: 0)`);
  });

  it('initialEpoch at or past epochs (nothing to train) says epochs is the total', async () => {
    const error = await fitError({ initialEpoch: 3, epochs: 2 });
    expect(error.message).toContain('fit: initialEpoch 3 is not before epochs 2, so there is nothing to train');
    expect(error.message).toContain('pass epochs: 5');
    expect((await fitError({ initialEpoch: 2, epochs: 2 })).message).toContain('pass epochs: 4');
  });

  it('an empty data set (0 examples), for training or validation', async () => {
    const empty = new ArrayDataset(new Float32Array(0), [2], new Float32Array(0), [1]);
    expect((await fitError({}, empty)).message).toBe('fit: the training data has 0 examples; pass a data set with at least one example');
    expect((await fitError({ validation: empty })).message).toBe('fit: validation has 0 examples; pass a data set with at least one example');
  });

  it.each([-0.1, 0, NaN, Infinity])('a learning rate of %s given as a number', async (lr) => {
    const error = await fitError({ optimizer: { id: 'sgd', lr } });
    expect(error.message).toBe(`optimizer 'sgd': lr must be a positive, finite number, got ${lr} (e.g. lr: 0.01)`);
  });

  it.each([-0.01, NaN, Infinity])('a schedule that gives %s names the step where it does', async (bad) => {
    // good for the first 5 steps, then bad (XOR: 4 examples, so 4 steps per epoch)
    const error = await fitError({ optimizer: { id: 'sgd', lr: (step: number) => (step < 5 ? 0.1 : bad) }, batchSize: 1, epochs: 3 });
    expect(error.message).toBe(
      `fit: the learning-rate schedule gave ${bad} at step 5 (epoch 2, batch 2); a learning rate must be a finite number >= 0 (negative rates climb the loss): fix the schedule`,
    );
  });

  it('a learningRateScheduler callback that gives a negative rate', async () => {
    const error = await fitError({ callbacks: [learningRateScheduler((epoch) => (epoch === 0 ? 0.1 : -0.1))], epochs: 3 });
    expect(error.message).toContain('fit: a callback that sets the learning rate (learningRateScheduler) gave -0.1 at step 1 (epoch 2, batch 1)');
  });

  it('a schedule may reach 0 (a warm-up starts there)', async () => {
    const registry = freshRegistry();
    const result = await fit(xorModel(1, registry), xorData(), { ...base, optimizer: { id: 'sgd', lr: (step: number) => step * 0.01 }, registry, batchSize: 4 });
    expect(result.steps).toBe(1);
  });
});

describe('evaluate', () => {
  it('on an empty set is an error, not { loss: 0, accuracy: 0 }', () => {
    const registry = freshRegistry();
    const empty = new ArrayDataset(new Float32Array(0), [2], new Float32Array(0), [1]);
    expect(() => evaluate(xorModel(1, registry), empty, { loss: 'binaryCrossEntropyWithLogits', registry })).toThrow(
      'evaluate: the data has 0 examples; pass a data set with at least one example',
    );
  });

  it('computes metrics alone without a loss, once it knows what the model outputs', () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    const withLoss = evaluate(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', registry });
    const metricsOnly = evaluate(model, xorData(), { metrics: ['accuracy'], predictions: 'logits', registry });
    expect(metricsOnly).toEqual({ accuracy: withLoss.accuracy });
    expect(() => evaluate(model, xorData(), { metrics: ['accuracy'], registry })).toThrow("evaluate: without a loss, say what the model outputs so the metrics read it right: predictions: 'logits', 'probabilities' or 'real' (or pass a loss)");
    expect(() => evaluate(model, xorData(), { registry })).toThrow('evaluate: nothing to compute');
  });

  it('rejects a bad batchSize', () => {
    const registry = freshRegistry();
    expect(() => evaluate(xorModel(1, registry), xorData(), { loss: 'binaryCrossEntropyWithLogits', registry, batchSize: 0 })).toThrow(
      'evaluate: batchSize must be a whole number >= 1, got 0',
    );
  });
});

describe('predict', () => {
  it('given a Dataset says what to pass instead of failing deep inside', () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    expect(() => predict(model, xorData() as never)).toThrow(TypeError);
    expect(() => predict(model, xorData() as never)).toThrow(/^predict: x must be a Tensor of inputs .*got a Dataset; for a Dataset, collate its inputs/);
    expect(() => predict(model, [[0, 1]] as never)).toThrow('predict: x must be a Tensor of inputs with the examples along the first axis ([examples, ...features]), got an array of 1; e.g. tensor([[0, 1], [1, 0]])');
    expect(predict(model, tensor([[0, 1]])).shape).toEqual([1, 1]);
  });
});

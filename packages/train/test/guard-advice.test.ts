// What the numerics guard advises: a batch that already holds NaN is the data's fault, and an
// optimizer update that computes NaN from values of a normal size is not an overflow — neither is
// sent to the learning rate; an update that overflows still is.
import { ArrayDataset } from '@keel/data';
import type { Params } from '@keel/optimizers';
import { div, mul, ones, sub, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { fit, NumericsError, type LossArg, type OptimizerArg } from '../src/index.js';
import { freshRegistry, rejected, xorData, xorModel } from './helpers.js';

const options = { loss: 'binaryCrossEntropyWithLogits', batchSize: 4, shuffle: false } as const;
const map = (grads: Params, fn: (g: Tensor) => Tensor): Record<string, Tensor> => Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, fn(g)]));
const zeroOverZero = (t: Tensor): Tensor => div(sub(t, t), sub(t, t));
const RATE_ADVICE = /learning rate too high|Lower the learning rate/;

async function stopped(data: ArrayDataset, optimizer: OptimizerArg, loss: LossArg = options.loss): Promise<NumericsError> {
  const registry = freshRegistry();
  const error = await rejected(fit(xorModel(1, registry), data, { ...options, loss, optimizer, registry }));
  expect(error).toBeInstanceOf(NumericsError);
  return error as NumericsError;
}

describe('the guard checks the batch before blaming the learning rate', () => {
  it('NaN in the inputs: names the row of the batch and the inputs, and not the learning rate', async () => {
    const error = await stopped(new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, NaN, 1]), [2], Float32Array.from([0, 1, 1, 0]), [1]), 'sgd');
    expect(error.message).toBe(
      'step 0 (epoch 1, batch 1): the loss is NaN. The inputs of row 3 of this batch (an example of the data set) hold NaN: the data has missing or invalid values, ' +
        'and the learning rate is not the cause. Remove or repair the examples with NaN or infinite features before training.',
    );
  });

  it('NaN in the targets: names the targets', async () => {
    const error = await stopped(new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [2], Float32Array.from([0, NaN, 1, 0]), [1]), 'sgd', 'meanSquaredError');
    expect(error.message).toMatch(/^step 0 \(epoch 1, batch 1\): the loss is NaN\. The targets of row 1 of this batch \(an example of the data set\) hold NaN: .* Remove or repair the examples with NaN or infinite labels before training\.$/);
    expect(error.message).not.toMatch(RATE_ADVICE);
  });
});

describe('the guard judges a non-finite update by the values around it', () => {
  it('NaN computed by the update (0/0) among values of a normal size: not an overflow, not the learning rate', async () => {
    const error = await stopped(xorData(), { init: () => ({}), update: (grads, state) => ({ updates: map(grads, zeroOverZero), state }) });
    expect(error.phase).toBe('update');
    expect(error.message).toContain('NaN in every value is not an overflow: the optimizer computed it (a 0/0, the square root of a negative, NaN in its own state), and a lower learning rate would not help.');
    expect(error.message).not.toMatch(RATE_ADVICE);
  });

  it('NaN computed into the optimizer state: the same', async () => {
    const error = await stopped(xorData(), { init: () => ({}), update: (grads) => ({ updates: map(grads, (g) => mul(g, -0.01)), state: { m: zeroOverZero(ones([2])) } }) });
    expect(error).toMatchObject({ phase: 'state', where: 'state.m' });
    expect(error.message).toContain('is not an overflow');
    expect(error.message).not.toMatch(RATE_ADVICE);
  });

  it('an update that overflows to Infinity: the learning-rate advice', async () => {
    const error = await stopped(xorData(), { init: () => ({}), update: (grads, state) => ({ updates: map(grads, (g) => mul(mul(g, -1e30), 1e30)), state }) });
    expect(error.phase).toBe('update');
    expect(error.message).toContain('Infinity after a finite step: the update overflowed float32 (or divided by 0): a learning rate too high');
    expect(error.message).toContain('Lower the learning rate');
  });
});

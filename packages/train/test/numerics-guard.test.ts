// The numerics guard beyond the loss and gradients: the parameters after each update, the
// optimizer state (resumed and after each update), and the failing batch it hands to a handler.
import { ArrayDataset } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import type { GradientTransformation, OptState, Params } from '@keel/optimizers';
import { log, mean, mul, Tensor, zerosLike } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { fit, NumericsError } from '../src/index.js';
import { freshRegistry, xorData, xorModel } from './helpers.js';

const xorOptions = { loss: 'binaryCrossEntropyWithLogits', batchSize: 4 } as const;

/** `t` with `value` at flat `index`. */
function withValue(t: Tensor, index: number, value: number): Tensor {
  const values = t.values.slice();
  values[index] = value;
  return Tensor.fromValues(values, t.shape, t.dtype);
}

async function caught(run: Promise<unknown>): Promise<NumericsError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NumericsError);
  return error as NumericsError;
}

function mapRecord(params: Params, fn: (t: Tensor) => Tensor): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(params).map(([name, t]) => [name, fn(t)]));
}

describe('the numerics guard covers parameters and optimizer state', () => {
  it('a resumed optimizer state with +Inf in the momentum stops before the first step, naming the tensor, index and value', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    const optimizer = { id: 'sgd', lr: 0.1, momentum: 0.9 } as const;
    const first = await fit(model, xorData(), { ...xorOptions, optimizer, registry });
    const state = first.optimizerState as unknown as [{ trace: Record<string, Tensor> }, OptState];
    const damaged = [{ trace: { ...state[0].trace, 'dense_1/kernel': withValue(state[0].trace['dense_1/kernel'], 5, Infinity) } }, state[1]];
    const before = model.parameters().get('dense_1/kernel')!.values.slice();
    const error = await caught(fit(model, xorData(), { ...xorOptions, optimizer, registry, epochs: 2, initialEpoch: 1, optimizerState: damaged }));
    expect(error.message).toBe(
      'before step 1, the optimizer state passed to fit (optimizerState): the optimizer state state.0.trace.dense_1/kernel has 1 non-finite value(s), the first Infinity at index 5. ' +
        'The state was saved after training diverged, or was damaged: resume from an earlier checkpoint, or start without this optimizer state.',
    );
    expect(error).toMatchObject({ phase: 'state', where: 'state.0.trace.dense_1/kernel', index: 5, value: Infinity, step: 1, epoch: 1 });
    // no step ran: the weights are untouched
    expect(model.parameters().get('dense_1/kernel')!.values).toEqual(before);
  });

  it('a parameter that is already NaN stops training before the first step', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    model.build();
    const bias = model.parameters().get('dense_2/bias')!;
    bias.assign(withValue(bias, 0, NaN));
    const error = await caught(fit(model, xorData(), { ...xorOptions, optimizer: 'adam', registry }));
    expect(error.message).toMatch(/^before step 0: the parameter dense_2\/bias \(layer dense_2\) already has 1 non-finite value\(s\), the first NaN at index 0; /);
    expect(error).toMatchObject({ phase: 'weights', where: 'dense_2/bias', index: 0 });
  });

  it('an update that makes a parameter non-finite (finite loss and gradients) stops at that step', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    // an optimizer whose update overflows float32: 1e300 is Infinity there
    const overflowing: GradientTransformation<null> = { init: () => null, update: (grads) => ({ updates: mapRecord(grads, (g) => mul(g, -1e300)), state: null }) };
    const error = await caught(fit(model, xorData(), { ...xorOptions, optimizer: overflowing, registry }));
    expect(error.message).toMatch(/^step 0 \(epoch 1, batch 1\): the optimizer update made dense_1\/kernel \(layer dense_1\) non-finite: \d+ non-finite value\(s\), the first -?(Infinity|NaN) at index \d+ /);
    expect(error.message).toContain('(the loss and gradients of the step were finite');
    expect(error).toMatchObject({ phase: 'update', where: 'dense_1/kernel', step: 0, epoch: 0, batchIndex: 0 });
  });

  it('an update that makes the optimizer state non-finite stops at that step, naming the state tensor', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    type State = { readonly moment: Params };
    const brokenState: GradientTransformation<State> = {
      init: (params) => ({ moment: mapRecord(params, (p) => zerosLike(p)) }),
      update: (grads) => ({ updates: mapRecord(grads, (g) => zerosLike(g)), state: { moment: mapRecord(grads, (g) => mul(g, 1e300)) } }),
    };
    const error = await caught(fit(model, xorData(), { ...xorOptions, optimizer: brokenState, registry }));
    expect(error.message).toMatch(/^after the optimizer update of step 0 \(epoch 1, batch 1\): the optimizer state state\.moment\.dense_1\/kernel has \d+ non-finite value\(s\), the first/);
    expect(error).toMatchObject({ phase: 'state', where: 'state.moment.dense_1/kernel' });
  });

  it('a non-finite loss carries the failing batch, still readable after fit threw', async () => {
    const registry = freshRegistry();
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const model = new Sequential([new Dense({ units: 1 })], { inputShape: [2], registry, seed: 3 });
    // log(0) at the first step, from finite inputs
    const logLoss = (p: Tensor): Tensor => mean(log(mul(p, 0)));
    const error = await caught(fit(model, new ArrayDataset(x, [2], new Float32Array(4), [1]), { loss: logLoss, optimizer: 'sgd', registry, batchSize: 4, shuffle: false }));
    expect(error).toMatchObject({ phase: 'loss', where: 'loss', step: 0, batchIndex: 0 });
    expect(error.batch?.x.shape).toEqual([4, 2]);
    expect(Array.from(error.batch!.x.values)).toEqual(Array.from(x));
    expect(error.batch?.y.shape).toEqual([4, 1]);
    error.batch!.x.dispose();
    error.batch!.y.dispose();
  });
});

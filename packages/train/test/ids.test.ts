// The ids the compiler knows are derived from the entry lists, and every place that takes an id
// takes the same typed id: a typo is a compile error in fit's loss, optimizer, metrics and
// callbacks and in evaluate's loss and metrics, and still the run-time error it always was.
import type { IdOf } from '@keel/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { evaluate, fit, type BuiltinCallbackId, type BuiltinMetricId, type CallbackId, type FitOptions, type MetricId } from '../src/index.js';
import { freshRegistry, thrown, xorData, xorModel } from './helpers.js';

// Every built-in id exactly once: a missing key, or a key that is not an id, is a compile error.
const metrics = {
  accuracy: true,
  precision: true,
  recall: true,
  f1: true,
  confusionMatrix: true,
  mae: true,
  mse: true,
  r2: true,
} satisfies Record<BuiltinMetricId, true>;

const callbacks = {
  earlyStopping: true,
  terminateOnNaN: true,
  learningRateScheduler: true,
  reduceLROnPlateau: true,
  progress: true,
} satisfies Record<BuiltinCallbackId, true>;

describe('metric and callback ids', () => {
  it('the typed ids are exactly the registered ones', () => {
    const registry = freshRegistry();
    expect(registry.list('metric')).toEqual(Object.keys(metrics).sort());
    expect(registry.list('callback')).toEqual(Object.keys(callbacks).sort());
  });

  it('every built-in id is a registered id type', () => {
    expectTypeOf<BuiltinMetricId>().toExtend<IdOf<'metric'>>();
    expectTypeOf<BuiltinCallbackId>().toExtend<IdOf<'callback'>>();
    expectTypeOf<MetricId>().toEqualTypeOf<IdOf<'metric'>>();
    expectTypeOf<CallbackId>().toEqualTypeOf<IdOf<'callback'>>();
    expectTypeOf<string>().not.toExtend<MetricId>();
  });
});

describe("fit's and evaluate's ids are typed", () => {
  it('a misspelt optimizer, loss, metric or callback is a compile error', () => {
    expectTypeOf<'adma'>().not.toExtend<FitOptions['optimizer']>();
    expectTypeOf<{ id: 'adma'; lr: 0.1 }>().not.toExtend<FitOptions['optimizer']>();
    expectTypeOf<'meanSquaredEror'>().not.toExtend<FitOptions['loss']>();
    expectTypeOf<{ id: 'hubber' }>().not.toExtend<FitOptions['loss']>();
    expectTypeOf<['acuracy']>().not.toExtend<FitOptions['metrics']>();
    expectTypeOf<['progres']>().not.toExtend<FitOptions['callbacks']>();
    expectTypeOf<[{ id: 'earlyStoping'; patience: 2 }]>().not.toExtend<FitOptions['callbacks']>();
    expectTypeOf<{ id: 'sgd'; lr: 0.1; momentum: 0.9 }>().toExtend<FitOptions['optimizer']>();
    expectTypeOf<[{ id: 'earlyStopping'; patience: 2 }, 'progress']>().toExtend<FitOptions['callbacks']>();
  });

  it('and the same typo is the run-time error it always was', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    // @ts-expect-error -- not an optimizer id
    await expect(fit(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: 'adma', registry })).rejects.toThrow("unknown optimizer 'adma'; did you mean 'adam'?");
    // @ts-expect-error -- not a loss id
    await expect(fit(model, xorData(), { loss: 'meanSquaredEror', optimizer: 'adam', registry })).rejects.toThrow("unknown loss 'meanSquaredEror'; did you mean 'meanSquaredError'?");
    // @ts-expect-error -- not a metric id
    expect(thrown(() => evaluate(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', metrics: ['acuracy'], registry })).message).toMatch("unknown metric 'acuracy'; did you mean 'accuracy'?");
  });
});

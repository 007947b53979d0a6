// Metrics and callbacks declare their options once (check, description, default): a callback given
// by id is checked against them before the first step, and the factories use the declared defaults.
import { listOptions, optionDefaults } from '@keel/registry';
import { describe, expect, it } from 'vitest';
import { fit, metricEntries, trainPlugin } from '../src/index.js';
import { freshRegistry, rejected, xorData, xorModel } from './helpers.js';

const base = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 0.1 }, epochs: 1, batchSize: 4 } as const;

describe('declared metric and callback options', () => {
  it('every metric and callback entry declares its options, each with a one-line description', () => {
    for (const entry of [...metricEntries, ...trainPlugin.provides.callback]) {
      expect(entry.options, entry.id).toBeDefined();
      for (const option of listOptions(entry.options)) expect(option.description, `${entry.id}.${option.name}`).toMatch(/^[^\n]+$/);
    }
    for (const entry of metricEntries) expect(Object.keys(entry.options), entry.id).toEqual([]);
    const declared = Object.fromEntries(trainPlugin.provides.callback.map((entry) => [entry.id, optionDefaults(entry.options)]));
    expect(declared).toEqual({
      earlyStopping: { patience: 3, minDelta: 0, mode: 'auto', restoreBestWeights: false },
      terminateOnNaN: {},
      learningRateScheduler: {},
      reduceLROnPlateau: { factor: 0.5, patience: 2, minDelta: 0, minLearningRate: 0 },
      progress: { json: false, intervalMs: 100 },
    });
  });

  it('a callback by id with an option it does not take is an error before the first step, with a did-you-mean', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    const cases: [unknown, string][] = [
      [{ id: 'terminateOnNaN', patience: 3 }, "callback 'terminateOnNaN': takes no options, got 'patience'"],
      [{ id: 'earlyStopping', patince: 2 }, "callback 'earlyStopping': has no option 'patince'; did you mean 'patience'? valid options: monitor, patience, minDelta, mode, restoreBestWeights"],
      [{ id: 'earlyStopping', mode: 'maxx' }, "callback 'earlyStopping': mode is 'maxx'; expected 'min', 'max' or 'auto' (did you mean 'max'?)"],
      [{ id: 'learningRateScheduler' }, "callback 'learningRateScheduler': schedule is missing; expected a function (epoch, step) => learning rate"],
    ];
    for (const [callback, message] of cases) {
      const error = await rejected(fit(model, xorData(), { ...base, registry, callbacks: [callback as never] }));
      expect(error.message).toBe(message);
    }
  });
});

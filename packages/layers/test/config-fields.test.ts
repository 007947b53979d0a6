import { Registry } from '@keel/registry';
import { describe, expect, it } from 'vitest';
import {
  Conv2D, Dense, Flatten, MaxPool2D, ModelConfigError, Sequential, installLayers, modelConfig, modelFromConfig, planWeights, type ModelConfig,
} from '../src/index.js';

function freshRegistry(): Registry {
  const registry = new Registry();
  installLayers(registry);
  return registry;
}

function cnnConfig(): ModelConfig {
  const registry = freshRegistry();
  const model = new Sequential([new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }), new MaxPool2D(), new Flatten(), new Dense({ units: 10 })], {
    inputShape: [8, 8, 1],
    registry,
  }).build();
  return JSON.parse(JSON.stringify(modelConfig(model))) as ModelConfig;
}

/** The config with layer `index`'s config edited. */
function edited(index: number, edit: (config: Record<string, unknown>) => void): ModelConfig {
  const config = cnnConfig() as unknown as { layers: { config: Record<string, unknown> }[] };
  edit(config.layers[index].config);
  return config as unknown as ModelConfig;
}

function configError(config: ModelConfig): ModelConfigError {
  try {
    modelFromConfig(config, freshRegistry());
  } catch (error) {
    expect(error).toBeInstanceOf(ModelConfigError);
    return error as ModelConfigError;
  }
  throw new Error('modelFromConfig accepted the config');
}

describe('layer configs are checked field by field', () => {
  it('a null activation is an error naming the layer and the field, not a linear layer', () => {
    const error = configError(edited(3, (c) => (c.activation = null)));
    expect(error.message).toBe("model.layers[3] (dense_1): activation is null; expected an activation id such as 'relu' or { id, ...options }");
    expect(error.layer).toEqual({ index: 3, name: 'dense_1' });
    expect(error.option).toBe('activation');
  });

  it('an unknown option gets the nearest valid name and the list', () => {
    expect(configError(edited(0, (c) => (c.filtres = 4))).message).toBe(
      "model.layers[0] (conv2d_1): has no option 'filtres'; did you mean 'filters'? valid options: name, inputShape, filters, kernelSize, strides, padding, activation, kernelInitializer, biasInitializer, useBias",
    );
    expect(configError(edited(2, (c) => (c.units = 5))).message).toBe("model.layers[2] (flatten_1): has no option 'units'; valid options: name, inputShape");
  });

  it('wrong types and out-of-range values', () => {
    expect(configError(edited(0, (c) => (c.filters = '4'))).message).toBe("model.layers[0] (conv2d_1): filters is '4'; expected an integer from 1 to 16777216");
    expect(configError(edited(0, (c) => (c.filters = 1e8))).message).toBe('model.layers[0] (conv2d_1): filters is 100000000; expected an integer from 1 to 16777216');
    expect(configError(edited(0, (c) => (c.padding = 'full'))).message).toBe("model.layers[0] (conv2d_1): padding is 'full'; expected 'valid' or 'same'");
    expect(configError(edited(1, (c) => (c.poolSize = [2, 0]))).message).toBe(
      'model.layers[1] (maxPool2d_1): poolSize is [2,0]; expected a positive integer up to 16777216 or a pair [rows, cols] of them',
    );
    expect(configError(edited(3, (c) => (c.useBias = 'no'))).message).toBe("model.layers[3] (dense_1): useBias is 'no'; expected true or false");
    expect(configError(edited(3, (c) => delete c.units)).message).toBe('model.layers[3] (dense_1): units is missing; expected an integer from 1 to 16777216');
  });

  it('an unknown activation, initializer option or layer type names the layer', () => {
    expect(configError(edited(0, (c) => (c.activation = 'rleu'))).message).toMatch(/^model\.layers\[0\] \(conv2d_1\): activation 'rleu': unknown activation 'rleu'; did you mean 'relu'\?/);
    expect(configError(edited(3, (c) => (c.kernelInitializer = { id: 'constant', valeu: 1 }))).message).toMatch(
      /^model\.layers\[3\] \(dense_1\): kernelInitializer \{"id":"constant","valeu":1\}: initializer 'constant' has no option 'valeu'; did you mean 'value'\?/,
    );
    const config = cnnConfig() as unknown as { layers: { type: string }[] };
    config.layers[1].type = 'maxPool';
    expect(configError(config as unknown as ModelConfig).message).toMatch(/^model\.layers\[1\] \(maxPool2d_1\): type 'maxPool' is not a registered layer type; did you mean 'maxPool2d'\?/);
  });

  it('the same checks hold for layers made in code', () => {
    expect(() => new Dense({ units: 3, activation: null as unknown as 'relu', name: 'out' })).toThrow("out: activation is null; expected an activation id such as 'relu' or { id, ...options }");
    expect(() => new MaxPool2D({ poolsize: 2 } as never)).toThrow("maxPool2d: has no option 'poolsize'; did you mean 'poolSize'?");
  });
});

describe('planWeights', () => {
  it('gives every parameter shape from the config without building anything', () => {
    const model = modelFromConfig(cnnConfig(), freshRegistry());
    const plan = planWeights(model);
    expect(model.built).toBe(false);
    expect(plan.map((p) => [p.name, p.weights === undefined ? undefined : Object.fromEntries(p.weights)])).toEqual([
      ['conv2d_1', { 'conv2d_1/kernel': [3, 3, 1, 4], 'conv2d_1/bias': [4] }],
      ['maxPool2d_1', {}],
      ['flatten_1', {}],
      ['dense_1', { 'dense_1/kernel': [36, 10], 'dense_1/bias': [10] }],
    ]);
    const built = modelFromConfig(cnnConfig(), freshRegistry()).build();
    expect(Object.fromEntries([...built.parameters()].map(([name, t]) => [name, t.shape]))).toEqual(Object.fromEntries(plan.flatMap((p) => [...p.weights!])));
  });
});

// Each layer type declares its options once (check, description, default): the registered entry's
// `options` are exactly what its constructor checks, and the declared defaults are what it uses.
import { OptionsError, optionDefaults, Registry } from '@keel/registry';
import { describe, expect, it } from 'vitest';
import { BatchNorm, Conv2D, Dense, installLayers, LayerNorm, layersPlugin, MaxPool2D, Sequential } from '../src/index.js';

function registry(): Registry {
  const r = new Registry();
  installLayers(r);
  return r;
}

describe('declared layer options', () => {
  it('every layer entry declares its options, each with a one-line description', () => {
    for (const entry of layersPlugin.provides.layer) {
      expect(entry.options, entry.id).toBeDefined();
      for (const [name, field] of Object.entries(entry.options)) expect(field.description, `${entry.id}.${name}`).toMatch(/^[^\n]+$/);
    }
  });

  it("an entry's options are exactly what its constructor accepts: an unknown one lists them", () => {
    const r = registry();
    for (const entry of layersPlugin.provides.layer) {
      let error: unknown;
      try {
        r.resolve('layer', entry.id).create({ notAnOption: 1 });
      } catch (caught) {
        error = caught;
      }
      expect(error, entry.id).toBeInstanceOf(OptionsError);
      expect((error as Error).message, entry.id).toContain(`valid options: ${Object.keys(entry.options).join(', ')}`);
    }
  });

  it('the declared defaults are what the layers use', () => {
    const declared = Object.fromEntries(layersPlugin.provides.layer.map((entry) => [entry.id, optionDefaults(entry.options)]));
    expect(declared.dense).toEqual({ activation: 'linear', biasInitializer: 'zeros', useBias: true });
    expect(declared.conv2d).toEqual({ strides: 1, padding: 'valid', activation: 'linear', biasInitializer: 'zeros', useBias: true });
    expect(declared.maxPool2d).toEqual({ poolSize: 2, padding: 'valid' });
    expect(declared.batchNorm).toEqual({ momentum: 0.9, epsilon: 1e-5 });
    expect(new BatchNorm()).toMatchObject({ momentum: 0.9, epsilon: 1e-5 });
    expect(new LayerNorm().epsilon).toBe(1e-5);
    expect(new MaxPool2D().config()).toEqual({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
    const model = new Sequential([new Conv2D({ filters: 2, kernelSize: 3 }), new Dense({ units: 3 })], { inputShape: [5, 5, 1], registry: registry() }).build();
    expect(model.outputShape()).toEqual([3, 3, 3]); // stride 1, 'valid'
    const dense = model.layers[1] as Dense;
    expect(dense.activation?.id).toBe('linear');
    expect([...dense.parameters().keys()].sort()).toEqual(['dense_1/bias', 'dense_1/kernel']);
  });
});

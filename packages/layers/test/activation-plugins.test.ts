// A plugin activation that breaks its contract is named with the layer applying it, its id and its
// plugin (attack pass 3, D5/D7/D11): not blamed on the next layer's input, nor on an initializer
// the user never passed.
import { ActivationError, type ActivationEntry, type ActivationMeta } from '@keel/activations';
import { Registry, definePlugin } from '@keel/registry';
import { sum, tanh, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { ActivationLayer, Dense, Sequential, installLayers, modelConfig, modelFromConfig } from '../src/index.js';

const meta: ActivationMeta = { gain: 1, recommendedInitializer: 'glorotUniform', outputRange: [-1, 1], saturation: {}, kinks: [] };

function registryWith(entries: Partial<ActivationEntry>[]): Registry {
  const registry = new Registry();
  installLayers(registry);
  const activation = entries.map((e) => ({ description: e.id, forward: (x: Tensor) => tanh(x), meta, ...e }) as ActivationEntry);
  registry.use(definePlugin({ name: '@att/act', version: '1.0.0', provides: { activation } }));
  return registry;
}

function model(registry: Registry, activation: string): Sequential {
  return new Sequential([new Dense({ units: 8, activation: activation as 'relu' }), new Dense({ units: 1 })], { inputShape: [2], registry, seed: 1 });
}

const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe("a plugin activation's forward is checked where a layer applies it (D7)", () => {
  const x = tensor([[0, 1], [1, 0]]);

  it('a forward returning a number names dense_1, the activation and its plugin', () => {
    const error = thrown(() => model(registryWith([{ id: 'att/num', forward: () => 3 as unknown as Tensor }]), 'att/num').build().apply(x));
    expect(error).toBeInstanceOf(ActivationError);
    expect(error.message).toBe("dense_1: activation 'att/num' (@att/act@1.0.0): forward returned the number 3; it must return a Tensor of its input's shape [2, 8]");
  });

  it("a forward changing the shape is blamed on dense_1's activation, not on dense_2's input", () => {
    const error = thrown(() => model(registryWith([{ id: 'att/shape', forward: (v: Tensor) => sum(v, { axis: 1, keepDims: true }) }]), 'att/shape').build().apply(x));
    expect(error.message).toBe("dense_1: activation 'att/shape' (@att/act@1.0.0): forward returned a Tensor of shape [2, 1]; it must return a Tensor of its input's shape [2, 8]");
  });

  it('a forward that throws, in an Activation layer too', () => {
    const registry = registryWith([
      {
        id: 'att/throws',
        forward: () => {
          throw new Error('boom from forward');
        },
      },
    ]);
    const layered = new Sequential([new Dense({ units: 3 }), new ActivationLayer({ activation: 'att/throws' as 'relu' })], { inputShape: [2], registry }).build();
    expect(thrown(() => layered.apply(x)).message).toBe("activation_1: activation 'att/throws' (@att/act@1.0.0): forward threw: boom from forward");
  });
});

describe("a plugin activation's meta is checked when the layer is built (D5, D11)", () => {
  it('a recommendedInitializer that is not registered names the activation and its plugin, not the user', () => {
    const registry = registryWith([{ id: 'att/badinit', meta: { ...meta, recommendedInitializer: 'noSuchInit' } }]);
    const error = thrown(() => model(registry, 'att/badinit').build());
    expect(error).toBeInstanceOf(ActivationError);
    expect(error.message).toMatch(
      /^dense_1: activation 'att\/badinit' \(@att\/act@1\.0\.0\): meta\(\)\.recommendedInitializer 'noSuchInit' is not a registered initializer \(registered: .*glorotUniform.*\); install the plugin that provides it, or pass kernelInitializer$/,
    );
    // an explicit kernel initializer does not need the recommendation
    expect(() => new Sequential([new Dense({ units: 2, activation: 'att/badinit' as 'relu', kernelInitializer: 'glorotUniform' })], { inputShape: [2], registry }).build()).not.toThrow();
  });

  it('a meta without saturation is the plugin\'s error with the layer named, not an error about the activation option', () => {
    const { saturation: _s, ...noSaturation } = meta;
    const error = thrown(() => model(registryWith([{ id: 'att/nosat', meta: noSaturation as ActivationMeta }]), 'att/nosat').build());
    expect(error).toBeInstanceOf(ActivationError);
    expect(error.message).toMatch(/^dense_1: activation 'att\/nosat' \(@att\/act@1\.0\.0\): meta\.saturation is missing;/);
  });

  it('the same when a saved config is loaded against a plugin whose meta is broken', () => {
    const config = modelConfig(model(registryWith([{ id: 'att/x' }]), 'att/x'));
    const { saturation: _s, ...noSaturation } = meta;
    const error = thrown(() => modelFromConfig(config, registryWith([{ id: 'att/x', meta: noSaturation as ActivationMeta }])));
    expect(error.message).toMatch(/^model\.layers\[0\] \(dense_1\): dense: activation 'att\/x' \(@att\/act@1\.0\.0\): meta\.saturation is missing;/);
  });
});

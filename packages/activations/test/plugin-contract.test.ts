// A plugin activation that breaks its contract is an error naming the activation, its plugin and
// the field or the layer (attack pass 3, D5/D7/D11): never a TypeError deep in the doctor, an
// initializer error blamed on the user, or a shape error blamed on the next layer.
import { definePlugin, Registry } from '@keel/registry';
import { sum, tanh, tensor, withScope, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { ActivationError, activationFromEntry, createActivation, type ActivationEntry } from '../src/index.js';

declare module '@keel/registry' {
  interface RegisteredIds {
    'activation:att/x': true;
  }
}

const goodMeta = { gain: 1, recommendedInitializer: 'glorotUniform', outputRange: [-1, 1], saturation: { below: -3, above: 3 }, kinks: [] };

/** A registry with `@att/act@1.0.0` providing `att/x` with the given meta and forward. */
function registryWith(meta: unknown, forward: (x: Tensor) => unknown = (x) => tanh(x)): Registry {
  const registry = new Registry();
  const entry = { id: 'att/x', description: 'x', forward, meta: () => meta } as unknown as ActivationEntry;
  registry.use(definePlugin({ name: '@att/act', version: '1.0.0', provides: { activation: [entry] } }));
  return registry;
}

function creationError(meta: unknown): ActivationError {
  try {
    createActivation(registryWith(meta), 'att/x');
  } catch (error) {
    expect(error).toBeInstanceOf(ActivationError);
    return error as ActivationError;
  }
  throw new Error('expected an error');
}

describe("an activation's meta is checked when it is created, naming the plugin, id and field (D5, D11)", () => {
  it('a missing saturation', () => {
    const { saturation: _saturation, ...noSaturation } = goodMeta;
    const error = creationError(noSaturation);
    expect(error.message).toBe(
      "activation 'att/x' (@att/act@1.0.0): meta().saturation is missing; give { below?, above? }, the inputs beyond which the gradient is under 1% of its peak " +
        '(relu: { below: 0 }, tanh: { below: -3, above: 3 }), or {} when it never saturates',
    );
    expect(error).toMatchObject({ id: 'att/x', plugin: '@att/act@1.0.0' });
  });

  it('meta() returning undefined', () => {
    expect(creationError(undefined).message).toBe(
      "activation 'att/x' (@att/act@1.0.0): meta() returned undefined; it must be { gain, recommendedInitializer, outputRange, saturation, kinks } (ActivationMeta in @keel/activations)",
    );
  });

  it.each([
    [{ gain: 'big' }, "meta().gain is 'big'; it must be a finite number > 0"],
    [{ gain: -1 }, 'meta().gain is -1; it must be a finite number > 0'],
    [{ recommendedInitializer: 3 }, "meta().recommendedInitializer is 3; it must be an initializer id such as 'heNormal'"],
    [{ outputRange: 'all' }, "meta().outputRange is 'all'; it must be [low, high], two numbers with low <= high"],
    [{ outputRange: [1, -1] }, 'meta().outputRange is [1,-1]; it must be [low, high]'],
    [{ kinks: null }, 'meta().kinks is null; it must be an array of the finite inputs'],
    [{ saturation: { below: '0' } }, "meta().saturation.below is '0'; it must be a number"],
    [{ saturation: 3 }, 'meta().saturation is 3; it must be an object { below?, above? } of numbers, or {}'],
    [{ rowwise: 'yes' }, "meta().rowwise is 'yes'; it must be true, false or left out"],
  ])('%j', (change, message) => {
    expect(creationError({ ...goodMeta, ...change }).message).toContain(`activation 'att/x' (@att/act@1.0.0): ${message}`);
  });

  it('meta() that throws, and an entry given without a registry (no plugin to name)', () => {
    const registry = new Registry();
    const throwing = { id: 'att/x', description: 'x', forward: (x: Tensor) => x, meta: () => { throw new Error('no meta today'); } } as unknown as ActivationEntry;
    registry.use(definePlugin({ name: '@att/act', version: '1.0.0', provides: { activation: [throwing] } }));
    expect(() => createActivation(registry, 'att/x')).toThrow("activation 'att/x' (@att/act@1.0.0): meta() threw: no meta today");
    const entry = { id: 'att/y', description: 'y', forward: (x: Tensor) => x, meta: { ...goodMeta, gain: Number.NaN } } as unknown as ActivationEntry;
    expect(() => activationFromEntry(entry)).toThrow("activation 'att/y': meta.gain is NaN; it must be a finite number > 0");
  });

  it('valid metadata, saturation {} included, creates the activation', () => {
    expect(createActivation(registryWith({ ...goodMeta, saturation: {} }), 'att/x').saturation).toEqual({});
  });
});

describe("a forward that breaks its contract names the layer, the activation and its plugin (D7)", () => {
  const x = tensor([[1, -2, 3], [0, 1, 2]]);
  const applyIn = (forward: (x: Tensor) => unknown): Error => {
    const act = createActivation(registryWith(goodMeta, forward), 'att/x');
    try {
      withScope('dense_1', () => act.apply(x));
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected an error');
  };

  it('returning a number', () => {
    const error = applyIn(() => 3);
    expect(error).toBeInstanceOf(ActivationError);
    expect(error).toMatchObject({ id: 'att/x', plugin: '@att/act@1.0.0', layer: 'dense_1' });
    expect(error.message).toBe("dense_1: activation 'att/x' (@att/act@1.0.0): forward returned the number 3; it must return a Tensor of its input's shape [2, 3]");
  });

  it('returning another shape, blamed on this activation rather than on the next layer', () => {
    expect(applyIn((input) => sum(input, { axis: 1, keepDims: true })).message).toBe(
      "dense_1: activation 'att/x' (@att/act@1.0.0): forward returned a Tensor of shape [2, 1]; it must return a Tensor of its input's shape [2, 3]",
    );
  });

  it('throwing, with the original error as the cause', () => {
    const error = applyIn(() => {
      throw new Error('boom from forward');
    });
    expect(error.message).toBe("dense_1: activation 'att/x' (@att/act@1.0.0): forward threw: boom from forward");
    expect((error.cause as Error).message).toBe('boom from forward');
  });

  it('the same for an entry with its own backward (run through defineOp)', () => {
    const registry = new Registry();
    const entry = { id: 'att/x', description: 'x', forward: (input: Tensor) => sum(input), backward: ({ dy }: { dy: Tensor }) => dy, meta: goodMeta } as unknown as ActivationEntry;
    registry.use(definePlugin({ name: '@att/act', version: '1.0.0', provides: { activation: [entry] } }));
    const act = createActivation(registry, 'att/x');
    expect(() => withScope('dense_2', () => act.apply(x))).toThrow(
      "dense_2: activation 'att/x' (@att/act@1.0.0): forward returned a Tensor of shape []; it must return a Tensor of its input's shape [2, 3]",
    );
  });

  it('outside a layer, the activation alone is named; a good forward is unchanged', () => {
    const act = createActivation(registryWith(goodMeta, () => undefined), 'att/x');
    expect(() => act.apply(x)).toThrow(/^activation 'att\/x' \(@att\/act@1\.0\.0\): forward returned undefined;/);
    expect(Array.from(createActivation(registryWith(goodMeta), 'att/x').apply(x).values)).toEqual(Array.from(tanh(x).values));
  });
});

// Each initializer declares its options once (check, default, description); that declaration is
// what createInitializer checks and fills in. The older `defaults` shorthand keeps working.
import { definePlugin, optionDefaults, Registry } from '@keel/registry';
import { Random, Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { builtinInitializers, createInitializer, initContext, InitializerConfigError, installInitializers, type InitializerEntry } from '../src/index.js';

// A plugin's ids type-check once its author declares them (see @keel/registry's README).
declare module '@keel/registry' {
  interface RegisteredIds {
    'initializer:acme/filled': true;
  }
}

describe('declared options', () => {
  it('every built-in declares its options, each with a one-line description and a default (Keras’s)', () => {
    const defaults = Object.fromEntries(builtinInitializers.map((entry) => [entry.id, entry.options === undefined ? 'undeclared' : optionDefaults(entry.options)]));
    expect(defaults).toEqual({
      zeros: {},
      ones: {},
      constant: { value: 0 },
      uniform: { minval: -0.05, maxval: 0.05 },
      normal: { mean: 0, stddev: 0.05 },
      truncatedNormal: { mean: 0, stddev: 0.05 },
      glorotUniform: {},
      glorotNormal: {},
      heUniform: {},
      heNormal: {},
      lecunUniform: {},
      lecunNormal: {},
      orthogonal: { gain: 1 },
      varianceScaling: { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' },
    });
    for (const entry of builtinInitializers) {
      for (const [name, field] of Object.entries(entry.options!)) expect(field.description, `${entry.id}.${name}`).toMatch(/^[^\n]+$/);
    }
  });

  it('createInitializer fills in the declared defaults', () => {
    const registry = installInitializers(new Registry());
    expect(createInitializer(registry, 'varianceScaling').config).toEqual({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });
    expect(createInitializer(registry, { id: 'normal', stddev: 0.1 }).config).toEqual({ mean: 0, stddev: 0.1 });
    expect(createInitializer(registry, 'heNormal').config).toEqual({});
  });

  it("an entry with the older `defaults` shorthand: each key an option of its default's type", () => {
    const entry: InitializerEntry = {
      id: 'acme/filled',
      description: 'every element equal to value',
      defaults: { value: 2 },
      create: (config) => (shape, context) => Tensor.fromValues(new Float32Array(shape[0]).fill(config.value as number), shape, context.dtype ?? 'float32'),
    };
    const registry = installInitializers(new Registry());
    registry.use(definePlugin({ name: '@acme/keel-filled', version: '1.0.0', provides: { initializer: [entry] } }));
    expect(Array.from(createInitializer(registry, 'acme/filled')([2], initContext([2], new Random(0))).values)).toEqual([2, 2]);
    let error: unknown;
    try {
      createInitializer(registry, { id: 'acme/filled', value: 'two' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InitializerConfigError);
    expect((error as Error).message).toBe("initializer 'acme/filled': value is 'two'; expected a finite number");
  });
});

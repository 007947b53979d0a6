// Each activation declares its options once (type, default, description); that declaration is
// what createActivation checks and fills in. The older `defaults` shorthand keeps working.
import { declareOption, definePlugin, optionDefaults, optionField, Registry } from '@keel/registry';
import { mul, sigmoid } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { ActivationConfigError, builtinActivations, createActivation, installActivations, type ActivationEntry } from '../src/index.js';

const meta = { gain: 1, gainIsConvention: true, recommendedInitializer: 'glorotUniform', outputRange: [0, 2], saturation: {}, kinks: [] } as const;

function withEntry(entry: ActivationEntry): Registry {
  const registry = installActivations(new Registry());
  registry.use(definePlugin({ name: '@acme/keel-scaled', version: '1.0.0', provides: { activation: [entry] } }));
  return registry;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('declared options', () => {
  it('every built-in declares its options, each with a one-line description and a default', () => {
    const declared = Object.fromEntries(builtinActivations.map((entry) => [entry.id, Object.keys(entry.options ?? { missing: true })]));
    expect(declared).toEqual({
      relu: [],
      leakyRelu: ['alpha'],
      elu: ['alpha'],
      selu: [],
      gelu: ['approximate'],
      swish: ['beta'],
      silu: [],
      mish: [],
      softplus: [],
      sigmoid: [],
      hardSigmoid: [],
      tanh: [],
      softsign: [],
      softmax: [],
      logSoftmax: [],
      linear: [],
    });
    for (const entry of builtinActivations) {
      for (const [name, field] of Object.entries(entry.options!)) {
        expect(field.description, `${entry.id}.${name}`).toMatch(/^[^\n]+$/);
        expect(field.accepts(field.default), `${entry.id}.${name}`).toBe(true);
      }
      // `defaults`, for code that reads the older shorthand, is the declared defaults
      expect(entry.defaults ?? {}, entry.id).toEqual(optionDefaults(entry.options!));
    }
  });

  it("createActivation fills in a plugin's declared defaults and checks values against its fields", () => {
    const registry = withEntry({
      id: 'acme/scaledSigmoid',
      description: 'k·σ(x)',
      options: { k: declareOption(optionField.number((v) => v > 0, '> 0'), 'the upper bound of the output', 2) },
      forward: (x, config) => mul(sigmoid(x), config.k as number),
      meta,
    });
    expect(createActivation(registry, 'acme/scaledSigmoid').config).toEqual({ k: 2 });
    expect(createActivation(registry, { id: 'acme/scaledSigmoid', k: 3 }).config).toEqual({ k: 3 });
    expect(thrown(() => createActivation(registry, { id: 'acme/scaledSigmoid', k: 0 })).message).toBe("activation 'acme/scaledSigmoid': k is 0; expected a number > 0");
    expect(thrown(() => createActivation(registry, { id: 'acme/scaledSigmoid', kk: 3 })).message).toBe(
      "activation 'acme/scaledSigmoid' has no option 'kk'; did you mean 'k'? valid options: k",
    );
  });

  it('an entry with the older `defaults` shorthand: each key an option of its default\'s type', () => {
    const registry = withEntry({ id: 'acme/scaledSigmoid', description: 'k·σ(x)', defaults: { k: 2 }, forward: (x, config) => mul(sigmoid(x), config.k as number), meta });
    expect(createActivation(registry, 'acme/scaledSigmoid').config).toEqual({ k: 2 });
    const error = thrown(() => createActivation(registry, { id: 'acme/scaledSigmoid', k: '3' }));
    expect(error).toBeInstanceOf(ActivationConfigError);
    expect(error.message).toBe("activation 'acme/scaledSigmoid': k is '3'; expected a finite number");
    expect(thrown(() => createActivation(registry, { id: 'acme/scaledSigmoid', k: Infinity })).message).toBe("activation 'acme/scaledSigmoid': k is Infinity; expected a finite number");
  });

  it('options and defaults that disagree are an error naming the option, not a silent choice', () => {
    const registry = withEntry({
      id: 'acme/scaledSigmoid',
      description: 'k·σ(x)',
      options: { k: declareOption(optionField.number((v) => v > 0, '> 0'), 'the upper bound', 2) },
      defaults: { k: 3 },
      forward: (x, config) => mul(sigmoid(x), config.k as number),
      meta,
    });
    expect(thrown(() => createActivation(registry, 'acme/scaledSigmoid')).message).toBe(
      "activation 'acme/scaledSigmoid' declares both options and defaults, and they disagree on 'k' (default 2 in options, 3 in defaults); declare the default in options only",
    );
  });
});

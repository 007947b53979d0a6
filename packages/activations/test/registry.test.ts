import { Registry, UnknownIdError, defaultRegistry } from '@keel/registry';
import { noGrad, sum, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  ActivationConfigError,
  PACKAGE_NAME,
  VERSION,
  activationsPlugin,
  builtinActivations,
  createActivation,
  gelu,
  installActivations,
  leakyRelu,
  relu,
  softmax,
  swish,
  type BuiltinActivationId,
} from '../src/index.js';
import { f64, freshRegistry, list } from './helpers.js';

const ALL_IDS: BuiltinActivationId[] = [
  'elu', 'gelu', 'hardSigmoid', 'leakyRelu', 'linear', 'logSoftmax', 'mish', 'relu',
  'selu', 'sigmoid', 'silu', 'softmax', 'softplus', 'softsign', 'swish', 'tanh',
];

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('activationsPlugin', () => {
  it('registers every built-in id, under @keel/activations and its version', () => {
    const registry = freshRegistry();
    expect(registry.list('activation')).toEqual(ALL_IDS);
    expect(registry.describe('activation', 'gelu').plugin).toEqual({ name: '@keel/activations', version: VERSION });
    expect(PACKAGE_NAME).toBe('@keel/activations');
    expect(activationsPlugin.provides.activation).toBe(builtinActivations);
  });

  it('is not installed just by importing the package', () => {
    expect(defaultRegistry.has('activation', 'relu')).toBe(false);
  });

  it('installs idempotently, into the registry given', () => {
    const registry = new Registry();
    expect(installActivations(registry)).toBe(registry);
    installActivations(registry);
    expect(registry.plugins()).toEqual([{ name: '@keel/activations', version: VERSION }]);
  });

  it('answers an unknown id with the nearest one', () => {
    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    const error = thrown(() => createActivation(freshRegistry(), 'rleu'));
    expect(error).toBeInstanceOf(UnknownIdError);
    expect((error as UnknownIdError).suggestion).toBe('relu');
    expect(error.message).toMatch(/^unknown activation 'rleu'; did you mean 'relu'\? registered: elu, gelu/);
    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    expect((thrown(() => createActivation(freshRegistry(), { id: 'leakyReLU' })) as UnknownIdError).suggestion).toBe('leakyRelu');
  });
});

describe('createActivation', () => {
  const registry = freshRegistry();

  it('takes an id or { id, ...options }, merging the defaults', () => {
    expect(createActivation(registry, 'leakyRelu').config).toEqual({ alpha: 0.01 });
    const act = createActivation(registry, { id: 'leakyRelu', alpha: 0.2 });
    expect(act.id).toBe('leakyRelu');
    expect(act.config).toEqual({ alpha: 0.2 });
    expect(createActivation(registry, 'gelu').config).toEqual({ approximate: 'none' });
    expect(createActivation(registry, 'relu').config).toEqual({});
    // @ts-expect-error -- undefined is no config value in the types; at run time it counts as not given
    expect(createActivation(registry, { id: 'elu', alpha: undefined }).config).toEqual({ alpha: 1 });
  });

  it('rejects an unknown option, listing the valid ones', () => {
    const error = thrown(() => createActivation(registry, { id: 'leakyRelu', alpah: 0.2 }));
    expect(error).toBeInstanceOf(ActivationConfigError);
    expect(error.message).toBe("activation 'leakyRelu' has no option 'alpah'; did you mean 'alpha'? valid options: alpha");
    expect((error as ActivationConfigError).option).toBe('alpah');
    expect(thrown(() => createActivation(registry, { id: 'swish', slope: 2 })).message).toBe("activation 'swish' has no option 'slope'; valid options: beta");
    expect(thrown(() => createActivation(registry, { id: 'relu', alpha: 0.1 })).message).toBe("activation 'relu' takes no options, got 'alpha'");
  });

  it('rejects options of the wrong type or out of range, as their declarations say', () => {
    expect(thrown(() => createActivation(registry, { id: 'leakyRelu', alpha: '0.2' })).message).toBe("activation 'leakyRelu': alpha is '0.2'; expected a number >= 0");
    expect(thrown(() => createActivation(registry, { id: 'elu', alpha: Number.NaN })).message).toBe("activation 'elu': alpha is NaN; expected a number > 0");
    expect(thrown(() => createActivation(registry, { id: 'gelu', approximate: 'tahn' })).message).toBe(
      "activation 'gelu': approximate is 'tahn'; expected 'none' or 'tanh' (did you mean 'tanh'?)",
    );
    expect(thrown(() => createActivation(registry, { id: 'leakyRelu', alpha: -1 })).message).toBe("activation 'leakyRelu': alpha is -1; expected a number >= 0");
    expect(thrown(() => createActivation(registry, { id: 'elu', alpha: 0 })).message).toBe("activation 'elu': alpha is 0; expected a number > 0");
    const error = thrown(() => createActivation(registry, { id: 'swish', beta: -1 }));
    expect(error.message).toBe("activation 'swish': beta is -1; expected a number > 0");
    expect(error).toBeInstanceOf(ActivationConfigError);
    expect((error as ActivationConfigError).option).toBe('beta');
    expect(thrown(() => createActivation(registry, 42 as never))).toBeInstanceOf(TypeError);
  });

  it('returns a frozen, self-describing activation', () => {
    const act = createActivation(registry, 'relu');
    expect(Object.isFrozen(act)).toBe(true);
    expect(Object.isFrozen(act.config)).toBe(true);
    expect(act).toMatchObject({ id: 'relu', gain: Math.SQRT2, recommendedInitializer: 'heNormal', outputRange: [0, Infinity], kinks: [0] });
  });

  it('does not mutate its input, and linear passes gradients straight through', () => {
    const x = tensor([[1, -2, 3]]).requireGrad();
    const before = x.dataSync();
    sum(createActivation(registry, 'linear').apply(x)).backward();
    expect(list(x.grad!)).toEqual([1, 1, 1]);
    expect(x.dataSync()).toEqual(before);
    expect(x.node).toBe(null);
  });
});

describe('metadata', () => {
  const registry = freshRegistry();
  const acts = ALL_IDS.map((id) => createActivation(registry, id));

  it('recommends the initializer for the family', () => {
    const recommended = Object.fromEntries(acts.map((act) => [act.id, act.recommendedInitializer]));
    expect(recommended).toEqual({
      elu: 'heNormal', gelu: 'heNormal', hardSigmoid: 'glorotUniform', leakyRelu: 'heNormal', linear: 'glorotUniform',
      logSoftmax: 'glorotUniform', mish: 'heNormal', relu: 'heNormal', selu: 'lecunNormal', sigmoid: 'glorotUniform',
      silu: 'heNormal', softmax: 'glorotUniform', softplus: 'heNormal', softsign: 'glorotUniform', swish: 'heNormal', tanh: 'glorotUniform',
    });
  });

  it('marks probabilities and row-wise functions', () => {
    expect(acts.filter((act) => act.producesProbabilities === true).map((act) => act.id)).toEqual(['sigmoid', 'softmax']);
    expect(acts.filter((act) => act.rowwise === true).map((act) => act.id)).toEqual(['logSoftmax', 'softmax']);
  });

  it('declares kinks where the derivative jumps', () => {
    const kinks = Object.fromEntries(acts.filter((act) => act.kinks.length > 0).map((act) => [act.id, act.kinks]));
    expect(kinks).toEqual({ hardSigmoid: [-3, 3], leakyRelu: [0], relu: [0], selu: [0] });
    expect(createActivation(registry, { id: 'elu', alpha: 2 }).kinks).toEqual([0]);
    const slope = (id: string, at: number): number => {
      const x = f64([at]).requireGrad();
      createActivation(registry, registry.idOf('activation', id)).apply(x).backward();
      return x.grad!.item();
    };
    for (const act of acts) {
      for (const kink of act.kinks) expect(Math.abs(slope(act.id, kink - 1e-3) - slope(act.id, kink + 1e-3)), `${act.id} at ${kink}`).toBeGreaterThan(1e-3);
    }
  });

  it('saturation thresholds: beyond them the slope is under 2% of its peak', () => {
    for (const act of acts.filter((a) => a.rowwise !== true)) {
      const xs = Array.from({ length: 4001 }, (_, i) => -20 + i * 0.01);
      const x = f64(xs).requireGrad();
      sum(act.apply(x)).backward();
      const slopes = list(x.grad!).map(Math.abs);
      const peak = Math.max(...slopes);
      xs.forEach((value, i) => {
        const { below, above } = act.saturation;
        if ((below !== undefined && value < below) || (above !== undefined && value > above)) {
          expect(slopes[i], `${act.id} at ${value}`).toBeLessThan(0.02 * peak);
        }
      });
    }
  });

  it('output ranges contain the outputs over a sweep, and are tight for bounded ones', () => {
    const xs = Array.from({ length: 20001 }, (_, i) => -50 + i * 0.005);
    for (const act of acts) {
      const y = list(noGrad(() => act.apply(f64(xs))));
      const [low, high] = act.outputRange;
      const min = Math.min(...y);
      const max = Math.max(...y);
      expect(min, act.id).toBeGreaterThanOrEqual(low);
      expect(max, act.id).toBeLessThanOrEqual(high);
      // softsign approaches -1 like 1/x, too slowly for a sweep to get close
      if (Number.isFinite(low) && act.rowwise !== true && act.id !== 'softsign') expect(min - low, act.id).toBeLessThan(1e-3);
    }
  });
});

describe('plain functions', () => {
  it('give the same values as the registry path', () => {
    const registry = freshRegistry();
    const x = f64([-2, -0.5, 0, 0.5, 2, 4], [2, 3]);
    const same = (a: Tensor, b: Tensor): void => expect(list(a)).toEqual(list(b));
    same(relu(x), createActivation(registry, 'relu').apply(x));
    same(leakyRelu(x, { alpha: 0.3 }), createActivation(registry, { id: 'leakyRelu', alpha: 0.3 }).apply(x));
    same(gelu(x, { approximate: 'tanh' }), createActivation(registry, { id: 'gelu', approximate: 'tanh' }).apply(x));
    same(swish(x), createActivation(registry, 'swish').apply(x));
    same(softmax(x), createActivation(registry, 'softmax').apply(x));
    expect(() => gelu(x, { approximate: 'cubic' as never })).toThrow(ActivationConfigError);
  });
});

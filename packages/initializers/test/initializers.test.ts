import { Registry, UnknownIdError, defaultRegistry } from '@keel/registry';
import { Random, tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { createActivation, installActivations } from '@keel/activations';
import {
  InitializerConfigError,
  VERSION,
  builtinInitializers,
  calculateGain,
  createInitializer,
  fans,
  initContext,
  initializerFromEntry,
  initializersPlugin,
  installInitializers,
  recommendedInitializerFor,
  type BuiltinInitializerId,
} from '../src/index.js';
import { freshRegistry, init, thrown } from './helpers.js';

const ALL_IDS: BuiltinInitializerId[] = [
  'constant', 'glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'lecunNormal', 'lecunUniform',
  'normal', 'ones', 'orthogonal', 'truncatedNormal', 'uniform', 'varianceScaling', 'zeros',
];

describe('fans', () => {
  it('dense [in, out]', () => expect(fans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 }));
  it('conv [kh, kw, in, out]: receptive field × channels', () => expect(fans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 }));
  it('conv1d [k, in, out]', () => expect(fans([5, 4, 8])).toEqual({ fanIn: 20, fanOut: 40 }));
  it('a vector and a scalar', () => {
    expect(fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(fans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });
  it('initContext bundles them with the generator and dtype', () => {
    const random = new Random(1);
    expect(initContext([3, 3, 16, 32], random, 'float64')).toEqual({ fanIn: 144, fanOut: 288, random, dtype: 'float64' });
    expect(initContext([4, 2], random)).toEqual({ fanIn: 4, fanOut: 2, random });
  });
});

describe('every initializer', () => {
  it.each(ALL_IDS)('%s: the shape and dtype asked for', (id) => {
    for (const shape of [[6, 5], [3, 3, 4, 8]]) {
      const t = init(id, shape);
      expect(t.shape).toEqual(shape);
      expect(t.dtype).toBe('float32');
      expect(t.requiresGrad).toBe(false);
      expect(init(id, shape, 1, { dtype: 'float64' }).dtype).toBe('float64');
    }
    if (id !== 'orthogonal') expect(init(id, [0, 3]).shape).toEqual([0, 3]);
  });

  it.each(ALL_IDS)('%s: the same seed gives the same weights, another seed others', (id) => {
    const a = Array.from(init(id, [12, 9], 42).values);
    expect(Array.from(init(id, [12, 9], 42).values)).toEqual(a);
    if (!['zeros', 'ones', 'constant'].includes(id)) expect(Array.from(init(id, [12, 9], 43).values)).not.toEqual(a);
  });

  it('draws only from context.random, advancing it', () => {
    const random = new Random(9);
    const init1 = createInitializer(freshRegistry(), 'heNormal');
    const first = Array.from(init1([4, 4], { fanIn: 4, fanOut: 4, random }).values);
    const second = Array.from(init1([4, 4], { fanIn: 4, fanOut: 4, random }).values);
    expect(second).not.toEqual(first);
    const replay = new Random(9);
    expect(Array.from(init1([4, 4], { fanIn: 4, fanOut: 4, random: replay }).values)).toEqual(first);
  });
});

describe('initializersPlugin', () => {
  it('registers every built-in id under @keel/initializers', () => {
    const registry = freshRegistry();
    expect(registry.list('initializer')).toEqual(ALL_IDS);
    expect(registry.describe('initializer', 'heNormal').plugin).toEqual({ name: '@keel/initializers', version: VERSION });
    expect(initializersPlugin.provides.initializer).toBe(builtinInitializers);
  });

  it('is not installed by importing, installs idempotently', () => {
    expect(defaultRegistry.has('initializer', 'zeros')).toBe(false);
    const registry = new Registry();
    expect(installInitializers(registry)).toBe(registry);
    installInitializers(registry);
    expect(registry.plugins()).toHaveLength(1);
  });

  it('covers every initializer the built-in activations recommend', () => {
    const registry = installInitializers(installActivations(new Registry()));
    for (const id of registry.list('activation')) {
      const recommended = createActivation(registry, registry.idOf('activation', id)).recommendedInitializer;
      expect(registry.has('initializer', recommended), `${id} recommends ${recommended}`).toBe(true);
    }
  });
});

describe('createInitializer', () => {
  const registry = freshRegistry();

  it('takes an id or { id, ...options } and states its configuration', () => {
    const he = createInitializer(registry, 'heNormal');
    expect(he.id).toBe('heNormal');
    expect(he.config).toEqual({});
    const scaled = createInitializer(registry, { id: 'varianceScaling', mode: 'fanAvg' });
    expect(scaled.config).toEqual({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' });
    expect(Object.isFrozen(scaled.config)).toBe(true);
  });

  it('answers an unknown id with the nearest one', () => {
    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    const error = thrown(() => createInitializer(registry, 'heNromal'));
    expect(error).toBeInstanceOf(UnknownIdError);
    expect((error as UnknownIdError).suggestion).toBe('heNormal');
    expect(error.message).toMatch(/^unknown initializer 'heNromal'; did you mean 'heNormal'\? registered: constant, glorotNormal/);
  });

  it('rejects unknown options, listing the valid ones', () => {
    const error = thrown(() => createInitializer(registry, { id: 'uniform', minVal: -1 }));
    expect(error).toBeInstanceOf(InitializerConfigError);
    expect(error.message).toBe("initializer 'uniform' has no option 'minVal'; did you mean 'minval'? valid options: minval, maxval");
    expect(thrown(() => createInitializer(registry, { id: 'heNormal', scale: 2 })).message).toBe("initializer 'heNormal' takes no options, got 'scale'");
  });

  it('rejects bad values', () => {
    const message = (spec: Parameters<typeof createInitializer>[1]): string => thrown(() => createInitializer(registry, spec)).message;
    expect(message({ id: 'varianceScaling', mode: 'fan_in' })).toBe(
      "initializer 'varianceScaling': mode is 'fan_in'; expected 'fanIn', 'fanOut' or 'fanAvg' (did you mean 'fanIn'?)",
    );
    expect(message({ id: 'varianceScaling', distribution: 'normal' })).toBe(
      "initializer 'varianceScaling': distribution is 'normal'; expected 'truncatedNormal', 'untruncatedNormal' or 'uniform'",
    );
    expect(message({ id: 'varianceScaling', scale: 0 })).toBe("initializer 'varianceScaling': scale is 0; expected a number > 0");
    expect(message({ id: 'varianceScaling', scale: '2' })).toBe("initializer 'varianceScaling': scale is '2'; expected a number > 0");
    expect(message({ id: 'uniform', minval: 1, maxval: 0 })).toBe("initializer 'uniform': minval (1) must be below maxval (0)");
    expect(message({ id: 'normal', stddev: -1 })).toBe("initializer 'normal': stddev is -1; expected a number >= 0");
    expect(message({ id: 'constant', value: Number.POSITIVE_INFINITY })).toBe("initializer 'constant': value is Infinity; expected a finite number");
    const error = thrown(() => createInitializer(registry, { id: 'normal', stddev: -1 }));
    expect(error).toBeInstanceOf(InitializerConfigError);
    expect((error as InitializerConfigError).option).toBe('stddev');
  });

  it('says what is missing from a context', () => {
    const he = createInitializer(registry, 'heNormal');
    expect(thrown(() => he([3, 3], { fanOut: 3, random: new Random(1) } as never)).message).toBe(
      "initializer 'heNormal' needs context.fanIn, a non-negative number (got undefined); fans(shape) computes fanIn and fanOut from a weight shape",
    );
    expect(thrown(() => he([3, 3], { fanIn: 3, fanOut: 3 } as never)).message).toBe(
      "initializer 'heNormal' needs context.random, a Random from @keel/tensor (seeded by the model, so weights are reproducible)",
    );
    expect(thrown(() => he([3, -1], { fanIn: 3, fanOut: 3, random: new Random(1) })).message).toBe(
      "initializer 'heNormal': shape [3,-1] must be a list of non-negative integers",
    );
  });

  it('checks what a third-party entry returns', () => {
    const bad = initializerFromEntry({ id: 'acme/bad', description: 'wrong shape', create: () => () => tensor([1, 2, 3]) });
    expect(thrown(() => bad([2, 2], { fanIn: 2, fanOut: 2, random: new Random(1) })).message).toBe(
      "initializer 'acme/bad' was asked for shape [2, 2] and returned a tensor of shape [3]",
    );
  });
});

describe('calculateGain and recommendedInitializerFor', () => {
  const registry = installActivations(new Registry());

  it('read an activation’s gain and recommended initializer', () => {
    expect(calculateGain(createActivation(registry, 'relu'))).toBe(Math.SQRT2);
    expect(calculateGain(createActivation(registry, 'tanh'))).toBe(5 / 3);
    expect(calculateGain(createActivation(registry, { id: 'leakyRelu', alpha: 0.2 }))).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(recommendedInitializerFor(createActivation(registry, 'relu'))).toBe('heNormal');
    expect(recommendedInitializerFor(createActivation(registry, 'selu'))).toBe('lecunNormal');
    expect(recommendedInitializerFor(createActivation(registry, 'softmax'))).toBe('glorotUniform');
  });

  it('accept bare metadata', () => {
    const meta = { gain: 1.2, recommendedInitializer: 'acme/init', outputRange: [0, 1], saturation: {}, kinks: [] } as const;
    expect(calculateGain(meta)).toBe(1.2);
    expect(recommendedInitializerFor(meta)).toBe('acme/init');
  });

  it('orthogonal with a relu gain keeps a relu layer’s activation scale', () => {
    const gain = calculateGain(createActivation(registry, 'relu'));
    const q = init({ id: 'orthogonal', gain }, [64, 64], 3, { dtype: 'float64' });
    let sq = 0;
    for (const v of q.values) sq += v * v;
    expect(sq / 64).toBeCloseTo(2, 10);
  });
});

// The README's examples, run as written.
import { createActivation, installActivations } from '@keel/activations';
import { Registry, UnknownIdError, declareOption, definePlugin, optionField } from '@keel/registry';
import { Random, Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  InitializerConfigError,
  calculateGain,
  createInitializer,
  fans,
  initContext,
  installInitializers,
  recommendedInitializerFor,
  type InitializerEntry,
} from '../src/index.js';
import { stats } from './helpers.js';

declare module '@keel/registry' {
  interface RegisteredIds {
    'initializer:acme/identity': true;
  }
}

describe('README', () => {
  const registry = installInitializers(installActivations(new Registry()));

  it('quick start', () => {
    const relu = createActivation(registry, 'relu');
    const init = createInitializer(registry, registry.idOf('initializer', recommendedInitializerFor(relu)));
    expect(init.id).toBe('heNormal');
    const kernel = init([784, 128], { ...fans([784, 128]), random: new Random(42) });
    expect(kernel.shape).toEqual([784, 128]);
    expect(kernel.dtype).toBe('float32');
    expect(stats(kernel).std).toBeCloseTo(Math.sqrt(2 / 784), 3);

    const ortho = createInitializer(registry, { id: 'orthogonal', gain: Math.SQRT2 });
    const q = ortho([3, 3, 16, 32], initContext([3, 3, 16, 32], new Random(1), 'float64'));
    expect(q.dtype).toBe('float64');

    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    expect(() => createInitializer(registry, 'heNromal')).toThrow(UnknownIdError);
    expect(() => createInitializer(registry, { id: 'varianceScaling', mode: 'fan_in' })).toThrow(
      new InitializerConfigError(
        'varianceScaling',
        'mode',
        "initializer 'varianceScaling': mode is 'fan_in'; expected 'fanIn', 'fanOut' or 'fanAvg' (did you mean 'fanIn'?)",
      ),
    );
  });

  it('gains and recommendations', () => {
    expect(calculateGain(createActivation(registry, 'tanh'))).toBe(5 / 3);
    expect(calculateGain(createActivation(registry, { id: 'leakyRelu', alpha: 0.2 }))).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(recommendedInitializerFor(createActivation(registry, 'selu'))).toBe('lecunNormal');
  });

  it('writing your own initializer', () => {
    const identity: InitializerEntry = {
      id: 'acme/identity',
      description: 'gain · I for a square [n, n] kernel',
      options: { gain: declareOption(optionField.number(Number.isFinite, 'that is finite'), 'the diagonal value', 1) },
      create: (config) => (shape, context) => {
        const [n, m] = shape;
        if (shape.length !== 2 || n !== m) throw new Error(`acme/identity needs a square [n, n] shape, got [${shape.join(', ')}]`);
        const values = context.dtype === 'float64' ? new Float64Array(n * n) : new Float32Array(n * n);
        for (let i = 0; i < n; i++) values[i * n + i] = config.gain as number;
        return Tensor.fromValues(values, shape, context.dtype ?? 'float32');
      },
    };
    const acmeInitializers = definePlugin({ name: '@acme/keel-init', version: '1.0.0', provides: { initializer: [identity] } });
    const own = installInitializers(new Registry());
    own.use(acmeInitializers);
    const eye = createInitializer(own, { id: 'acme/identity', gain: 3 })([2, 2], initContext([2, 2], new Random(0)));
    expect(Array.from(eye.values)).toEqual([3, 0, 0, 3]);
    expect(Array.from(createInitializer(own, 'acme/identity')([2, 2], initContext([2, 2], new Random(0))).values)).toEqual([1, 0, 0, 1]);
    expect(() => createInitializer(own, { id: 'acme/identity', gian: 2 })).toThrow("initializer 'acme/identity' has no option 'gian'; did you mean 'gain'? valid options: gain");
    expect(() => createInitializer(own, 'acme/identity')([2, 3], initContext([2, 3], new Random(0)))).toThrow('acme/identity needs a square [n, n] shape, got [2, 3]');
  });
});

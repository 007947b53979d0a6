import { Registry, defaultRegistry, definePlugin, UnknownIdError, type IdOf } from '@keel/registry';
import { sign } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { adam, chain, createOptimizer, optimizersPlugin, scaleByLearningRate, VERSION, type GradientTransformation, type OptimizerSpec } from '../src/index.js';
import { GRADS, START, trajectory } from './helpers.js';

// A plugin's ids type-check once its author declares them (see @keel/registry's README).
declare module '@keel/registry' {
  interface RegisteredIds {
    'optimizer:acme/sign-sgd': true;
  }
}

function installed(): Registry {
  const registry = new Registry();
  registry.use(optimizersPlugin);
  return registry;
}

describe('optimizersPlugin', () => {
  it('registers every optimizer under a plain id', () => {
    const registry = installed();
    expect(registry.list('optimizer')).toEqual(['adagrad', 'adam', 'adamax', 'adamw', 'lion', 'rmsprop', 'sgd']);
    expect(registry.describe('optimizer', 'adam').plugin).toEqual({ name: '@keel/optimizers', version: VERSION });
  });

  it('is not installed just by importing the package', () => {
    expect(defaultRegistry.has('optimizer', 'adam')).toBe(false);
  });

  it('creates an optimizer by id from a config object, the same as calling it', () => {
    const byId = createOptimizer(installed(), 'adam', { lr: 1e-3 });
    expect(trajectory(byId, START, GRADS)).toEqual(trajectory(adam({ lr: 1e-3 }), START, GRADS));
    const id: IdOf<'optimizer'> = 'sgd';
    expect(trajectory(installed().get('optimizer', id).create({ lr: 0.5 }), [0], [[1]])).toEqual([[-0.5]]);
  });

  it('names a bad config value and a misspelt id', () => {
    expect(() => createOptimizer(installed(), 'adam', { lr: '0.001' })).toThrow("optimizer 'adam': lr is '0.001'; expected a positive number or a schedule");
    expect(() => createOptimizer(installed(), 'sgd', { momentum: 0.9, nesterov: 'yes' })).toThrow("optimizer 'sgd': nesterov is 'yes'; expected true or false");
    // values the declaration lets through are still checked by the factory
    expect(() => createOptimizer(installed(), 'sgd', { nesterov: true })).toThrow('sgd: nesterov needs a momentum above 0');
    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    expect(() => createOptimizer(installed(), 'adma')).toThrow(UnknownIdError);
    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    expect(() => createOptimizer(installed(), 'adma')).toThrow("did you mean 'adam'?");
  });

  it('rejects an option the optimizer does not have, with the nearest one, before building it', () => {
    expect(() => createOptimizer(installed(), 'sgd', { lr: 0.1, momentom: 0.9 })).toThrow(
      "optimizer 'sgd': has no option 'momentom'; did you mean 'momentum'? valid options: lr, momentum, nesterov, weightDecay",
    );
    // Adam's moments are b1 and b2: a momentum would be ignored, so it is refused
    expect(() => createOptimizer(installed(), 'adam', { momentum: 0.9 })).toThrow("optimizer 'adam': has no option 'momentum'");
    for (const listed of installed().list('optimizer')) {
      const id = installed().idOf('optimizer', listed);
      const spec = installed().resolve('optimizer', id);
      expect(Object.keys(spec.options ?? {}), id).toContain('lr');
      expect(() => createOptimizer(installed(), id, { lr: 0.01, typo: 1 }), id).toThrow(`optimizer '${id}': has no option 'typo'`);
      // every declared option is one the factory reads: its default passes, a wrong type fails
      for (const name of Object.keys(spec.options!)) expect(() => createOptimizer(installed(), id, { [name]: 'x' }), `${id}.${name}`).toThrow(`${name} is 'x'`);
    }
  });

  it('says how to install the plugin when a built-in id is missing', () => {
    expect(() => createOptimizer(new Registry({ name: 'my registry' }), 'adam')).toThrow(
      "optimizer 'adam' is not in my registry; install Keel's optimizers first: registry.use(optimizersPlugin)",
    );
  });

  it("creates a third party's optimizer, registered under its namespaced id, the same way", () => {
    /** Sign descent: p ← p − lr·sign(g), a minimal custom optimizer built from transformations. */
    const signSgd = (lr: number): GradientTransformation =>
      chain(
        {
          init: () => null,
          update: (grads, state) => ({ updates: Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, sign(g)])), state }),
        },
        scaleByLearningRate(lr),
      );
    const spec: OptimizerSpec & { id: string } = {
      id: 'acme/sign-sgd',
      description: 'sign descent',
      create: (config = {}) => signSgd(typeof config.lr === 'number' ? config.lr : 0.1),
    };
    const registry = new Registry();
    registry.use(definePlugin({ name: '@acme/keel-sign-sgd', version: '1.0.0', provides: { optimizer: [spec] } }));
    const optimizer = createOptimizer(registry, 'acme/sign-sgd', { lr: 0.25 });
    expect(trajectory(optimizer, [1], [[2], [-4]])).toEqual([[0.75], [1]]);
    expect(registry.describe('optimizer', 'acme/sign-sgd').plugin).toEqual({ name: '@acme/keel-sign-sgd', version: '1.0.0' });
  });
});

// The ids the compiler knows are derived from the entry list: this fails when a registered id is
// missing from the type, or the type names an id that is not registered.
import { Registry, type IdOf } from '@keel/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createOptimizer, installOptimizers, type BuiltinOptimizerId, type OptimizerId } from '../src/index.js';

// Every built-in id exactly once: a missing key, or a key that is not an id, is a compile error.
const typed = {
  sgd: true,
  adam: true,
  adamw: true,
  rmsprop: true,
  adagrad: true,
  adamax: true,
  lion: true,
} satisfies Record<BuiltinOptimizerId, true>;

describe('optimizer ids', () => {
  it('the typed ids are exactly the registered ones', () => {
    const registry = new Registry();
    installOptimizers(registry);
    expect(registry.list('optimizer')).toEqual(Object.keys(typed).sort());
  });

  it('every built-in id is a registered id type, and a typo is a compile error', () => {
    expectTypeOf<BuiltinOptimizerId>().toExtend<IdOf<'optimizer'>>();
    expectTypeOf<OptimizerId>().toEqualTypeOf<IdOf<'optimizer'>>();
    expectTypeOf<string>().not.toExtend<OptimizerId>();
    const registry = new Registry();
    installOptimizers(registry);
    // @ts-expect-error -- not an optimizer id
    expect(() => createOptimizer(registry, 'adma')).toThrow("unknown optimizer 'adma'; did you mean 'adam'?");
  });

  it('narrows a run-time string after checking it against the registry', () => {
    const registry = new Registry();
    installOptimizers(registry);
    const flag: string = 'adam';
    if (!registry.isId('optimizer', flag)) throw new Error('adam is registered');
    expectTypeOf(flag).toEqualTypeOf<OptimizerId>();
    expect(createOptimizer(registry, flag, { lr: 0.1 })).toHaveProperty('init');
    expect(registry.isId('optimizer', 'adma')).toBe(false);
    expect(() => registry.idOf('optimizer', 'adma')).toThrow("unknown optimizer 'adma'; did you mean 'adam'?");
  });
});

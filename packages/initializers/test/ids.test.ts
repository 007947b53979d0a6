// The ids the compiler knows are derived from the entry list: this fails when a registered id is
// missing from the type, or the type names an id that is not registered.
import { Registry, type IdOf } from '@keel/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createInitializer, installInitializers, type BuiltinInitializerId, type InitializerSpec } from '../src/index.js';

// Every built-in id exactly once: a missing key, or a key that is not an id, is a compile error.
const typed = {
  zeros: true,
  ones: true,
  constant: true,
  uniform: true,
  normal: true,
  truncatedNormal: true,
  glorotUniform: true,
  glorotNormal: true,
  heUniform: true,
  heNormal: true,
  lecunUniform: true,
  lecunNormal: true,
  orthogonal: true,
  varianceScaling: true,
} satisfies Record<BuiltinInitializerId, true>;

describe('initializer ids', () => {
  it('the typed ids are exactly the registered ones', () => {
    expect(installInitializers(new Registry()).list('initializer')).toEqual(Object.keys(typed).sort());
  });

  it('every built-in id is a registered id type, and a typo is a compile error', () => {
    expectTypeOf<BuiltinInitializerId>().toExtend<IdOf<'initializer'>>();
    expectTypeOf<string>().not.toExtend<IdOf<'initializer'>>();
    expectTypeOf<'heNromal'>().not.toExtend<InitializerSpec>();
    const registry = installInitializers(new Registry());
    // @ts-expect-error -- not an initializer id
    expect(() => createInitializer(registry, { id: 'heNromal' })).toThrow("unknown initializer 'heNromal'; did you mean 'heNormal'?");
  });
});

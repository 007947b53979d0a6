// The data set ids the compiler knows are derived from the entry list: this fails when a registered
// id is missing from the type, or the type names an id that is not registered.
import { Registry, type IdOf } from '@keel/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { dataPlugin, type BuiltinDatasetId } from '../src/index.js';

// Every built-in id exactly once: a missing key, or a key that is not an id, is a compile error.
const typed = {
  mnist: true,
  xor: true,
  'two-moons': true,
  spirals: true,
  circles: true,
  blobs: true,
} satisfies Record<BuiltinDatasetId, true>;

describe('data set ids', () => {
  it('the typed ids are exactly the registered ones', () => {
    const registry = new Registry();
    registry.use(dataPlugin);
    expect(registry.list('dataset')).toEqual(Object.keys(typed).sort());
    expectTypeOf<BuiltinDatasetId>().toExtend<IdOf<'dataset'>>();
    expectTypeOf<string>().not.toExtend<IdOf<'dataset'>>();
    // @ts-expect-error -- not a data set id
    expect(() => registry.get('dataset', 'two_moons')).toThrow("unknown dataset 'two_moons'; did you mean 'two-moons'?");
  });
});

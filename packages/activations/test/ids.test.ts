// The ids the compiler knows are derived from the entry list: this fails when a registered id is
// missing from the type, or the type names an id that is not registered.
import { Registry, type IdOf } from '@keel/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createActivation, installActivations, type ActivationSpec, type BuiltinActivationId } from '../src/index.js';

// Every built-in id exactly once: a missing key, or a key that is not an id, is a compile error.
const typed = {
  relu: true,
  leakyRelu: true,
  elu: true,
  selu: true,
  gelu: true,
  swish: true,
  silu: true,
  mish: true,
  softplus: true,
  sigmoid: true,
  hardSigmoid: true,
  tanh: true,
  softsign: true,
  softmax: true,
  logSoftmax: true,
  linear: true,
} satisfies Record<BuiltinActivationId, true>;

describe('activation ids', () => {
  it('the typed ids are exactly the registered ones', () => {
    expect(installActivations(new Registry()).list('activation')).toEqual(Object.keys(typed).sort());
  });

  it('every built-in id is a registered id type, and a typo is a compile error', () => {
    expectTypeOf<BuiltinActivationId>().toExtend<IdOf<'activation'>>();
    expectTypeOf<string>().not.toExtend<IdOf<'activation'>>();
    expectTypeOf<'rleu'>().not.toExtend<ActivationSpec>();
    expectTypeOf<{ id: 'rleu' }>().not.toExtend<ActivationSpec>();
    // @ts-expect-error -- not an activation id
    expect(() => createActivation(installActivations(new Registry()), { id: 'rleu', alpha: 1 })).toThrow("unknown activation 'rleu'; did you mean 'relu'?");
  });
});

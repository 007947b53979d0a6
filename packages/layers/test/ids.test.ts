// One spec type per kind, and ids derived from the entry list: a registered layer id missing from
// the type, or a typed id that is not registered, fails here; a typo in Dense's or Conv2D's
// activation or initializer is a compile error.
import type { ActivationSpec as ActivationsSpec } from '@keel/activations';
import type { InitializerSpec as InitializersSpec } from '@keel/initializers';
import { Registry, type IdOf } from '@keel/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Dense, installLayers, type ActivationSpec, type BuiltinLayerId, type Conv2DOptions, type DenseOptions, type InitializerSpec } from '../src/index.js';

// Every built-in id exactly once: a missing key, or a key that is not an id, is a compile error.
const typed = {
  dense: true,
  activation: true,
  dropout: true,
  batchNorm: true,
  layerNorm: true,
  flatten: true,
  reshape: true,
  conv2d: true,
  maxPool2d: true,
  avgPool2d: true,
} satisfies Record<BuiltinLayerId, true>;

describe('layer ids', () => {
  it('the typed ids are exactly the registered ones', () => {
    const registry = new Registry();
    installLayers(registry);
    expect(registry.list('layer')).toEqual(Object.keys(typed).sort());
    expectTypeOf<BuiltinLayerId>().toExtend<IdOf<'layer'>>();
  });
});

describe('activation and initializer specs', () => {
  it('are the very types @keel/activations and @keel/initializers export', () => {
    expectTypeOf<ActivationSpec>().toEqualTypeOf<ActivationsSpec>();
    expectTypeOf<InitializerSpec>().toEqualTypeOf<InitializersSpec>();
  });

  it("a misspelt id in Dense's or Conv2D's options is a compile error", () => {
    expectTypeOf<{ units: 3; activation: 'rleu' }>().not.toExtend<DenseOptions>();
    expectTypeOf<{ units: 3; activation: { id: 'leakyRelu'; alpha: 0.2 } }>().toExtend<DenseOptions>();
    expectTypeOf<{ units: 3; kernelInitializer: 'heNromal' }>().not.toExtend<DenseOptions>();
    expectTypeOf<{ filters: 4; kernelSize: 3; activation: 'tahn' }>().not.toExtend<Conv2DOptions>();
    expectTypeOf<{ filters: 4; kernelSize: 3; biasInitializer: { id: 'constnt'; value: 0.1 } }>().not.toExtend<Conv2DOptions>();
    // @ts-expect-error -- not an activation id
    expect(new Dense({ units: 3, activation: 'rleu' }).config()).toMatchObject({ activation: 'rleu' });
  });
});

// The ids the compiler knows are derived from the entry list: this fails when a registered id is
// missing from the type, or the type names an id that is not registered.
import { Registry, type IdOf } from '@keel/registry';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createLoss, installLosses, type BuiltinLossId, type LossId } from '../src/index.js';

// Every built-in id exactly once: a missing key, or a key that is not an id, is a compile error.
const typed = {
  meanSquaredError: true,
  meanAbsoluteError: true,
  huber: true,
  binaryCrossEntropy: true,
  binaryCrossEntropyWithLogits: true,
  softmaxCrossEntropy: true,
  sparseSoftmaxCrossEntropy: true,
  hinge: true,
  klDivergence: true,
} satisfies Record<BuiltinLossId, true>;

describe('loss ids', () => {
  it('the typed ids are exactly the registered ones', () => {
    const registry = new Registry();
    installLosses(registry);
    expect(registry.list('loss')).toEqual(Object.keys(typed).sort());
  });

  it('every built-in id is a registered id type, and a typo is a compile error', () => {
    expectTypeOf<BuiltinLossId>().toExtend<IdOf<'loss'>>();
    expectTypeOf<LossId>().toEqualTypeOf<IdOf<'loss'>>();
    expectTypeOf<string>().not.toExtend<LossId>();
    const registry = new Registry();
    installLosses(registry);
    // @ts-expect-error -- not a loss id
    expect(() => createLoss(registry, 'hubber')).toThrow("unknown loss 'hubber'; did you mean 'huber'?");
  });
});

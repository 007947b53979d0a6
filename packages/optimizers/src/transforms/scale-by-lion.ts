import { add, mul, sign } from '@keel/tensor';
import { entryOf, mapParams, zerosLikeParams } from '../tree.js';
import type { GradientTransformation, Params } from '../types.js';
import { rate } from '../validate.js';

export interface LionOptions {
  /** Interpolation between momentum and gradient for the update's direction, default 0.9. */
  readonly b1?: number;
  /** Decay of the momentum that is kept, default 0.99. */
  readonly b2?: number;
}

export type LionState = { readonly mu: Params };

/**
 * Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms"): update
 * sign(b1·m + (1 − b1)·g), then m ← b2·m + (1 − b2)·g. Every update entry is −1, 0 or +1.
 */
export function scaleByLion(options: LionOptions = {}): GradientTransformation<LionState> {
  const b1 = rate('scaleByLion', 'b1', options.b1 ?? 0.9);
  const b2 = rate('scaleByLion', 'b2', options.b2 ?? 0.99);
  return {
    init: (params) => ({ mu: zerosLikeParams(params) }),
    update: (grads, state) => {
      const previous = (name: string) => entryOf('scaleByLion', 'momentum', state.mu, name);
      const updates = mapParams(grads, (g, name) => sign(add(mul(previous(name), b1), mul(g, 1 - b1))));
      const mu = mapParams(grads, (g, name) => add(mul(previous(name), b2), mul(g, 1 - b2)));
      return { updates, state: { mu } };
    },
  };
}

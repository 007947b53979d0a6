import { mul, square, sum } from '@keel/tensor';
import { mapParams } from '../tree.js';
import type { GradientTransformation, Params } from '../types.js';
import { positive } from '../validate.js';

/** `globalNorm` is the norm of the last gradients before clipping (null before the first update). */
export type ClipByGlobalNormState = { readonly globalNorm: number | null };

/** √(Σ g²) over every element of every tensor. */
export function globalNorm(tensors: Params): number {
  let total = 0;
  for (const name of Object.keys(tensors)) total += sum(square(tensors[name])).item();
  return Math.sqrt(total);
}

/**
 * Rescales all gradients together when their global norm exceeds `maxNorm`, keeping their
 * direction (clipping each tensor alone would change it). The state reports the norm before
 * clipping, so a trainer or the diagnostics can show how often and how hard it clips.
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<ClipByGlobalNormState> {
  const limit = positive('clipByGlobalNorm', 'maxNorm', maxNorm);
  return {
    init: () => ({ globalNorm: null }),
    update: (grads) => {
      const norm = globalNorm(grads);
      const updates = norm > limit ? mapParams(grads, (g) => mul(g, limit / norm)) : grads;
      return { updates, state: { globalNorm: norm } };
    },
  };
}

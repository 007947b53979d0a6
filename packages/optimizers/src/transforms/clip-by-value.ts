import { clip } from '@keel/tensor';
import { mapParams } from '../tree.js';
import type { GradientTransformation } from '../types.js';

/**
 * Clamps every gradient entry to [low, high]; with one argument, to [−limit, limit]. Unlike
 * `clipByGlobalNorm` it changes the direction of the step; prefer that one unless you need this.
 */
export function clipByValue(limit: number): GradientTransformation<null>;
export function clipByValue(low: number, high: number): GradientTransformation<null>;
export function clipByValue(first: number, second?: number): GradientTransformation<null> {
  const [low, high] = second === undefined ? [-first, first] : [first, second];
  if (!(low <= high)) throw new RangeError(`clipByValue: the range [${low}, ${high}] is empty`);
  return {
    init: () => null,
    update: (grads, state) => ({ updates: mapParams(grads, (g) => clip(g, low, high)), state }),
  };
}

import { zerosLike } from '@keel/tensor';
import { allFinite, mapParams } from '../tree.js';
import type { GradientTransformation, OptState } from '../types.js';
import { identity } from './identity.js';

export type ApplyIfFiniteState<S extends OptState = OptState> = {
  /** The wrapped transformation's state, left as it was by skipped steps. */
  readonly inner: S;
  /** Steps skipped so far because a gradient or update held NaN or ±Infinity. */
  readonly skipped: number;
  /** Skipped steps in a row; back to 0 after a good step. Growing without end means training has diverged. */
  readonly consecutiveSkips: number;
};

/**
 * Skips a step whose gradients (or whose updates from `inner`) contain NaN or ±Infinity: the
 * updates are zeros and `inner`'s state is kept as it was, so one bad batch cannot poison Adam's
 * moments for the rest of the run. Skipped steps are counted in the state.
 *
 * Wrap the whole optimizer, `applyIfFinite(adam())`, so no part of it sees the bad step. With no
 * argument it only zeroes bad updates reaching it (put it last in a chain).
 */
export function applyIfFinite<S extends OptState = null>(
  inner: GradientTransformation<S> = identity() as unknown as GradientTransformation<S>,
): GradientTransformation<ApplyIfFiniteState<S>> {
  return {
    init: (params) => ({ inner: inner.init(params), skipped: 0, consecutiveSkips: 0 }),
    update: (grads, state, params, extras) => {
      if (allFinite(grads)) {
        const result = inner.update(grads, state.inner, params, extras);
        if (allFinite(result.updates)) {
          return { updates: result.updates, state: { inner: result.state, skipped: state.skipped, consecutiveSkips: 0 } };
        }
      }
      const updates = mapParams(grads, (g) => zerosLike(g));
      return { updates, state: { inner: state.inner, skipped: state.skipped + 1, consecutiveSkips: state.consecutiveSkips + 1 } };
    },
  };
}

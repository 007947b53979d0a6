import type { GradientTransformation, OptState, Params, UpdateResult } from '../types.js';

type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/** The states of chained transformations, in order. */
export type ChainState<T extends readonly GradientTransformation<OptState>[]> = { readonly [K in keyof T]: StateOf<T[K]> };

/**
 * Applies transformations one after another: each one's updates are the next one's gradients.
 * The state is the array of their states, in the same order.
 */
export function chain<const T extends readonly GradientTransformation<OptState>[]>(...transforms: T): GradientTransformation<ChainState<T>> {
  // Inside, each member is used with its own state; the tuple type above keeps them apart for callers.
  const members = transforms as unknown as readonly GradientTransformation<OptState>[];
  return {
    init: (params) => members.map((t) => t.init(params)) as unknown as ChainState<T>,
    update: (grads, state, params, extras): UpdateResult<ChainState<T>> => {
      const states = state as unknown as readonly OptState[];
      let updates: Params = grads;
      const next = members.map((t, i) => {
        const result = t.update(updates, states[i], params, extras);
        updates = result.updates;
        return result.state;
      });
      return { updates, state: next as unknown as ChainState<T> };
    },
  };
}

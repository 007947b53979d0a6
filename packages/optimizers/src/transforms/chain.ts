import type { GradientTransformation, OptState, Params, StepResult, UpdateExtras, UpdateResult } from '../types.js';

type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/** The states of chained transformations, in order. */
export type ChainState<T extends readonly GradientTransformation<OptState>[]> = { readonly [K in keyof T]: StateOf<T[K]> };

/**
 * Applies transformations one after another: each one's updates are the next one's gradients.
 * The state is the array of their states, in the same order. When the last one has a fused
 * `step` (scaleByLearningRate does), so does the chain.
 */
export function chain<const T extends readonly GradientTransformation<OptState>[]>(...transforms: T): GradientTransformation<ChainState<T>> {
  // Inside, each member is used with its own state; the tuple type above keeps them apart for callers.
  const members = transforms as unknown as readonly GradientTransformation<OptState>[];
  const last = members.at(-1);
  /** The first `count` members' updates, and their next states. */
  const updateFirst = (count: number, grads: Params, states: readonly OptState[], params?: Params, extras?: UpdateExtras): { updates: Params; next: OptState[] } => {
    let updates: Params = grads;
    const next = members.slice(0, count).map((t, i) => {
      const result = t.update(updates, states[i], params, extras);
      updates = result.updates;
      return result.state;
    });
    return { updates, next };
  };
  const chained: GradientTransformation<ChainState<T>> = {
    init: (params) => members.map((t) => t.init(params)) as unknown as ChainState<T>,
    update: (grads, state, params, extras): UpdateResult<ChainState<T>> => {
      const { updates, next } = updateFirst(members.length, grads, state, params, extras);
      return { updates, state: next as unknown as ChainState<T> };
    },
  };
  const lastStep = last?.step?.bind(last);
  if (lastStep === undefined) return chained;
  return {
    ...chained,
    step: (grads, state, params, extras): StepResult<ChainState<T>> => {
      const states = state as unknown as readonly OptState[];
      const { updates, next } = updateFirst(members.length - 1, grads, states, params, extras);
      const result = lastStep(updates, states[members.length - 1], params, extras);
      return { params: result.params, state: [...next, result.state] as unknown as ChainState<T> };
    },
  };
}

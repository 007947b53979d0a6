import { axpby } from '@keel/tensor';
import { entryOf, mapParams, zerosLikeParams } from '../tree.js';
import type { GradientTransformation, Params } from '../types.js';
import { flag, rate } from '../validate.js';

export interface MomentumOptions {
  /** How much of the previous velocity is kept each step (default 0.9). */
  readonly momentum?: number;
  /** Nesterov's variant: step along g + momentum·velocity, looking ahead (default false). */
  readonly nesterov?: boolean;
}

export type MomentumState = { readonly trace: Params };

/**
 * Heavy-ball momentum as PyTorch's SGD and optax's `trace` define it: v ← g + momentum·v, and the
 * update is v (or g + momentum·v with Nesterov). The first step's update is g itself.
 */
export function scaleByMomentum(options: MomentumOptions = {}): GradientTransformation<MomentumState> {
  const momentum = rate('scaleByMomentum', 'momentum', options.momentum ?? 0.9);
  const nesterov = flag('scaleByMomentum', 'nesterov', options.nesterov ?? false);
  return {
    init: (params) => ({ trace: zerosLikeParams(params) }),
    update: (grads, state) => {
      // axpby: g + momentum·v in one pass (the same values as add(g, mul(v, momentum)))
      const trace = mapParams(grads, (g, name) => axpby(g, entryOf('scaleByMomentum', 'momentum trace', state.trace, name), 1, momentum));
      const updates = nesterov ? mapParams(grads, (g, name) => axpby(g, trace[name], 1, momentum)) : trace;
      return { updates, state: { trace } };
    },
  };
}

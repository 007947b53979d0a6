import { axpby } from '@keel/tensor';
import { entryOf, mapParams } from '../tree.js';
import type { GradientTransformation } from '../types.js';
import { nonNegative } from '../validate.js';

/**
 * Adds weightDecay·p to each update. Before a rescaling (Adam) it is L2 regularisation; after it,
 * as in `adamw`, it is decoupled weight decay (Loshchilov & Hutter, 2019). Needs the parameters.
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation<null> {
  const decay = nonNegative('addDecayedWeights', 'weightDecay', weightDecay);
  return {
    init: () => null,
    update: (grads, state, params) => {
      if (decay === 0) return { updates: grads, state };
      if (params === undefined) throw new TypeError('addDecayedWeights: needs the parameters; call update(grads, state, params)');
      return { updates: mapParams(grads, (g, name) => axpby(g, entryOf('addDecayedWeights', 'parameter', params, name), 1, decay)), state };
    },
  };
}

import { add, div, mul, sqrt, square } from '@keel/tensor';
import { entryOf, mapParams, zerosLikeParams } from '../tree.js';
import type { GradientTransformation, Params } from '../types.js';
import { positive, rate } from '../validate.js';

export interface RmsOptions {
  /** Decay of the mean of squared gradients, default 0.9. */
  readonly decay?: number;
  /** Added to the root mean square, default 1e-8. */
  readonly eps?: number;
}

export type RmsState = { readonly nu: Params };

/** RMSprop's rescaling (Hinton): v ← decay·v + (1 − decay)·g², update g / (√v + eps). */
export function scaleByRms(options: RmsOptions = {}): GradientTransformation<RmsState> {
  const decay = rate('scaleByRms', 'decay', options.decay ?? 0.9);
  const eps = positive('scaleByRms', 'eps', options.eps ?? 1e-8);
  return {
    init: (params) => ({ nu: zerosLikeParams(params) }),
    update: (grads, state) => {
      const nu = mapParams(grads, (g, name) => add(mul(entryOf('scaleByRms', 'mean square', state.nu, name), decay), mul(square(g), 1 - decay)));
      const updates = mapParams(grads, (g, name) => div(g, add(sqrt(nu[name]), eps)));
      return { updates, state: { nu } };
    },
  };
}

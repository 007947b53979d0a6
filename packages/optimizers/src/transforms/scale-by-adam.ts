import { add, axpby, div, sqrt, square } from '@keel/tensor';
import { entryOf, mapParams, zerosLikeParams } from '../tree.js';
import type { GradientTransformation, Params } from '../types.js';
import { positive, rate } from '../validate.js';

export interface AdamOptions {
  /** Decay of the first moment (the mean of gradients), default 0.9. */
  readonly b1?: number;
  /** Decay of the second moment (the mean of squared gradients), default 0.999. */
  readonly b2?: number;
  /** Added to √v̂ so a parameter with tiny gradients does not get a huge step, default 1e-8. */
  readonly eps?: number;
}

export type AdamState = { readonly count: number; readonly mu: Params; readonly nu: Params };

/**
 * Adam's rescaling (Kingma & Ba, 2015): m ← b1·m + (1 − b1)·g, v ← b2·v + (1 − b2)·g²,
 * update m̂ / (√v̂ + eps) with the bias corrections m̂ = m / (1 − b1ᵗ), v̂ = v / (1 − b2ᵗ). Without the
 * corrections the zero-initialised moments make the first steps far too small.
 */
export function scaleByAdam(options: AdamOptions = {}): GradientTransformation<AdamState> {
  const b1 = rate('scaleByAdam', 'b1', options.b1 ?? 0.9);
  const b2 = rate('scaleByAdam', 'b2', options.b2 ?? 0.999);
  const eps = positive('scaleByAdam', 'eps', options.eps ?? 1e-8);
  return {
    init: (params) => ({ count: 0, mu: zerosLikeParams(params), nu: zerosLikeParams(params) }),
    update: (grads, state) => {
      const count = state.count + 1;
      // each moment in one pass (axpby), the same values as add(mul(m, b1), mul(g, 1 − b1))
      const mu = mapParams(grads, (g, name) => axpby(entryOf('scaleByAdam', 'first moment', state.mu, name), g, b1, 1 - b1));
      const nu = mapParams(grads, (g, name) => axpby(entryOf('scaleByAdam', 'second moment', state.nu, name), square(g), b2, 1 - b2));
      const correction1 = 1 - b1 ** count;
      const correction2 = 1 - b2 ** count;
      const updates = mapParams(grads, (_g, name) => div(div(mu[name], correction1), add(sqrt(div(nu[name], correction2)), eps)));
      return { updates, state: { count, mu, nu } };
    },
  };
}

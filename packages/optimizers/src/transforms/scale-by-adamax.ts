import { abs, add, div, maximum, mul } from '@keel/tensor';
import { entryOf, mapParams, zerosLikeParams } from '../tree.js';
import type { GradientTransformation, Params } from '../types.js';
import { positive, rate } from '../validate.js';

export interface AdamaxOptions {
  readonly b1?: number;
  readonly b2?: number;
  readonly eps?: number;
}

export type AdamaxState = { readonly count: number; readonly mu: Params; readonly nu: Params };

/**
 * Adamax (Kingma & Ba, 2015, §7.1), Adam with the infinity norm, as PyTorch and optax compute it:
 * m ← b1·m + (1 − b1)·g, u ← max(b2·u, |g| + eps), update (m / (1 − b1ᵗ)) / u.
 */
export function scaleByAdamax(options: AdamaxOptions = {}): GradientTransformation<AdamaxState> {
  const b1 = rate('scaleByAdamax', 'b1', options.b1 ?? 0.9);
  const b2 = rate('scaleByAdamax', 'b2', options.b2 ?? 0.999);
  const eps = positive('scaleByAdamax', 'eps', options.eps ?? 1e-8);
  return {
    init: (params) => ({ count: 0, mu: zerosLikeParams(params), nu: zerosLikeParams(params) }),
    update: (grads, state) => {
      const count = state.count + 1;
      const mu = mapParams(grads, (g, name) => add(mul(entryOf('scaleByAdamax', 'first moment', state.mu, name), b1), mul(g, 1 - b1)));
      const nu = mapParams(grads, (g, name) => maximum(mul(entryOf('scaleByAdamax', 'infinity norm', state.nu, name), b2), add(abs(g), eps)));
      const correction1 = 1 - b1 ** count;
      const updates = mapParams(grads, (_g, name) => div(div(mu[name], correction1), nu[name]));
      return { updates, state: { count, mu, nu } };
    },
  };
}

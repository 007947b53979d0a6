import { add, div, full, sqrt, square } from '@keel/tensor';
import { entryOf, mapParams } from '../tree.js';
import type { GradientTransformation, Params } from '../types.js';
import { nonNegative, positive } from '../validate.js';

export interface RssOptions {
  /** The sum of squares starts here rather than at 0, so the first steps are not enormous (default 0.1). */
  readonly initialAccumulator?: number;
  /** Added to the root of the sum, default 1e-7. */
  readonly eps?: number;
}

export type RssState = { readonly sumOfSquares: Params };

/** Adagrad's rescaling (Duchi et al., 2011): s ← s + g², update g / (√s + eps). */
export function scaleByRss(options: RssOptions = {}): GradientTransformation<RssState> {
  const initial = nonNegative('scaleByRss', 'initialAccumulator', options.initialAccumulator ?? 0.1);
  const eps = positive('scaleByRss', 'eps', options.eps ?? 1e-7);
  return {
    init: (params) => ({ sumOfSquares: mapParams(params, (p) => full(p.shape, initial, { dtype: p.dtype })) }),
    update: (grads, state) => {
      const sumOfSquares = mapParams(grads, (g, name) => add(entryOf('scaleByRss', 'sum of squares', state.sumOfSquares, name), square(g)));
      const updates = mapParams(grads, (g, name) => div(g, add(sqrt(sumOfSquares[name]), eps)));
      return { updates, state: { sumOfSquares } };
    },
  };
}

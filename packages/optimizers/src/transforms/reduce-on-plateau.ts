import { mul } from '@keel/tensor';
import { mapParams } from '../tree.js';
import type { GradientTransformation } from '../types.js';
import { nonNegative, positive, wholeNumber } from '../validate.js';

export interface ReduceOnPlateauOptions {
  /** The scale is multiplied by this when the metric stops improving (default 0.1). */
  readonly factor?: number;
  /** How many reports without improvement to wait before reducing (default 10). */
  readonly patience?: number;
  /** A report improves on the best when below best·(1 − rtol) − atol (defaults 1e-4 and 0). */
  readonly rtol?: number;
  readonly atol?: number;
  /** Reports to ignore after a reduction, letting the new rate take effect (default 0). */
  readonly cooldown?: number;
  /** The scale never goes below this (default 0). */
  readonly minScale?: number;
}

export type ReduceOnPlateauState = {
  /** What the updates are multiplied by: 1, then factor, factor², ... */
  readonly scale: number;
  /** The best metric reported so far (Infinity before the first report). */
  readonly best: number;
  readonly plateauCount: number;
  readonly cooldownCount: number;
};

/**
 * Scales updates down when a reported metric stops improving, as Keras' ReduceLROnPlateau and
 * optax's `reduce_on_plateau` do. Put it after the learning rate: `chain(adam(), reduceOnPlateau())`.
 *
 * The metric (lower is better, e.g. a validation loss; pass −accuracy for accuracy) is reported
 * through update's extras: `update(grads, state, params, { metric })`. Updates without a metric
 * only apply the current scale, so report once per epoch and patience counts epochs.
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): GradientTransformation<ReduceOnPlateauState> {
  const factor = positive('reduceOnPlateau', 'factor', options.factor ?? 0.1);
  if (factor >= 1) throw new RangeError(`reduceOnPlateau: factor must be below 1, got ${factor}`);
  const patience = wholeNumber('reduceOnPlateau', 'patience', options.patience ?? 10, 1);
  const rtol = nonNegative('reduceOnPlateau', 'rtol', options.rtol ?? 1e-4);
  const atol = nonNegative('reduceOnPlateau', 'atol', options.atol ?? 0);
  const cooldown = wholeNumber('reduceOnPlateau', 'cooldown', options.cooldown ?? 0);
  const minScale = nonNegative('reduceOnPlateau', 'minScale', options.minScale ?? 0);

  const report = (state: ReduceOnPlateauState, metric: number): ReduceOnPlateauState => {
    const improved = metric < state.best * (1 - rtol) - atol;
    const best = improved ? metric : state.best;
    if (state.cooldownCount > 0) return { ...state, best, plateauCount: 0, cooldownCount: state.cooldownCount - 1 };
    const plateauCount = improved ? 0 : state.plateauCount + 1;
    if (plateauCount < patience) return { ...state, best, plateauCount };
    return { scale: Math.max(state.scale * factor, minScale), best, plateauCount: 0, cooldownCount: cooldown };
  };

  return {
    init: () => ({ scale: 1, best: Infinity, plateauCount: 0, cooldownCount: 0 }),
    update: (grads, state, _params, extras) => {
      const metric = extras?.metric;
      const next = metric === undefined ? state : report(state, metric);
      return { updates: mapParams(grads, (g) => mul(g, next.scale)), state: next };
    },
  };
}

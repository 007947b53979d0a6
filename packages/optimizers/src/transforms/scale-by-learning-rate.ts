import { mul } from '@keel/tensor';
import { mapParams } from '../tree.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { learningRate } from '../validate.js';

export type LearningRateState = { readonly count: number };

/**
 * Multiplies by −lr, turning a descent direction into a step down the loss. `lr` is a number or
 * a schedule, read at the step count this state keeps (0 for the first update).
 */
export function scaleByLearningRate(lr: number | Schedule): GradientTransformation<LearningRateState> {
  const rate = learningRate('scaleByLearningRate', lr);
  return {
    init: () => ({ count: 0 }),
    update: (grads, state) => {
      const value = typeof rate === 'number' ? rate : rate(state.count);
      if (!Number.isFinite(value)) throw new RangeError(`scaleByLearningRate: the schedule gave ${value} at step ${state.count}`);
      return { updates: mapParams(grads, (g) => mul(g, -value)), state: { count: state.count + 1 } };
    },
  };
}

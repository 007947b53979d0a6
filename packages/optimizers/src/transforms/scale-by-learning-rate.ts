import { axpby, mul } from '@keel/tensor';
import { entryOf, mapParams } from '../tree.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { learningRate } from '../validate.js';

export type LearningRateState = { readonly count: number };

/**
 * Multiplies by −lr, turning a descent direction into a step down the loss. `lr` is a number or
 * a schedule, read at the step count this state keeps (0 for the first update). Its `step` goes
 * straight to the new parameters, p − lr·u, in one pass per parameter (`axpby`).
 */
export function scaleByLearningRate(lr: number | Schedule): GradientTransformation<LearningRateState> {
  const rate = learningRate('scaleByLearningRate', lr);
  const rateAt = (count: number): number => {
    const value = typeof rate === 'number' ? rate : rate(count);
    if (!Number.isFinite(value)) throw new RangeError(`scaleByLearningRate: the schedule gave ${value} at step ${count}`);
    return value;
  };
  return {
    init: () => ({ count: 0 }),
    update: (grads, state) => {
      const value = rateAt(state.count);
      return { updates: mapParams(grads, (g) => mul(g, -value)), state: { count: state.count + 1 } };
    },
    step: (grads, state, params) => {
      const value = rateAt(state.count);
      const values = mapParams(grads, (g, name) => axpby(entryOf('scaleByLearningRate', 'parameter', params, name), g, 1, -value));
      return { params: values, state: { count: state.count + 1 } };
    },
  };
}

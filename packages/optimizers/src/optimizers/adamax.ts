import { chain } from '../transforms/chain.js';
import { scaleByAdamax, type AdamaxOptions as AdamaxScaling } from '../transforms/scale-by-adamax.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { learningRate } from '../validate.js';

export interface AdamaxOptions extends AdamaxScaling {
  /** Default 2e-3, the paper's. */
  readonly lr?: number | Schedule;
}

/** Adamax: Adam with the infinity norm in place of the second moment, then −lr. */
export function adamax(options: AdamaxOptions = {}): GradientTransformation {
  return chain(scaleByAdamax(options), scaleByLearningRate(learningRate('adamax', options.lr ?? 2e-3)));
}

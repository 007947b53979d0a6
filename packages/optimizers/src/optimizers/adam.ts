import { chain } from '../transforms/chain.js';
import { scaleByAdam, type AdamOptions as AdamScaling } from '../transforms/scale-by-adam.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { learningRate } from '../validate.js';

export interface AdamOptions extends AdamScaling {
  /** Default 1e-3, the paper's and every framework's default. */
  readonly lr?: number | Schedule;
}

/** Adam (Kingma & Ba, 2015) with bias correction: scaleByAdam, then −lr. */
export function adam(options: AdamOptions = {}): GradientTransformation {
  return chain(scaleByAdam(options), scaleByLearningRate(learningRate('adam', options.lr ?? 1e-3)));
}

import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { chain } from '../transforms/chain.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { scaleByLion, type LionOptions as LionScaling } from '../transforms/scale-by-lion.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { learningRate, nonNegative } from '../validate.js';

export interface LionOptions extends LionScaling {
  /** Default 1e-4: sign updates have norm 1 per entry, so Lion wants a 3–10× smaller rate than Adam. */
  readonly lr?: number | Schedule;
  /** Decoupled weight decay (default 0). */
  readonly weightDecay?: number;
}

/** Lion: the sign of interpolated momentum, plus decoupled weight decay, then −lr. */
export function lion(options: LionOptions = {}): GradientTransformation {
  return chain(
    scaleByLion(options),
    addDecayedWeights(nonNegative('lion', 'weightDecay', options.weightDecay ?? 0)),
    scaleByLearningRate(learningRate('lion', options.lr ?? 1e-4)),
  );
}

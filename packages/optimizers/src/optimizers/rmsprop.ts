import { chain } from '../transforms/chain.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { scaleByMomentum } from '../transforms/scale-by-momentum.js';
import { scaleByRms, type RmsOptions } from '../transforms/scale-by-rms.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { learningRate, rate } from '../validate.js';

export interface RmspropOptions extends RmsOptions {
  /** Default 1e-3 (Keras'). */
  readonly lr?: number | Schedule;
  /** Momentum on the rescaled gradient (default 0), as in PyTorch's RMSprop. */
  readonly momentum?: number;
}

/** RMSprop: divide by a running root mean square of the gradients, then −lr. */
export function rmsprop(options: RmspropOptions = {}): GradientTransformation {
  const momentum = rate('rmsprop', 'momentum', options.momentum ?? 0);
  return chain(
    scaleByRms(options),
    ...(momentum > 0 ? [scaleByMomentum({ momentum })] : []),
    scaleByLearningRate(learningRate('rmsprop', options.lr ?? 1e-3)),
  );
}

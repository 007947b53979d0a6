import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { chain } from '../transforms/chain.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { scaleByMomentum } from '../transforms/scale-by-momentum.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { flag, learningRate, nonNegative, rate } from '../validate.js';

export interface SgdOptions {
  /** Default 0.01 (Keras' default; plain SGD needs a larger rate than Adam). */
  readonly lr?: number | Schedule;
  /** Default 0: plain gradient descent. */
  readonly momentum?: number;
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient before momentum, as in PyTorch's SGD (default 0). */
  readonly weightDecay?: number;
}

/** Stochastic gradient descent, optionally with (Nesterov) momentum: p ← p − lr·v, v ← g + momentum·v. */
export function sgd(options: SgdOptions = {}): GradientTransformation {
  const lr = learningRate('sgd', options.lr ?? 0.01);
  const momentum = rate('sgd', 'momentum', options.momentum ?? 0);
  const nesterov = flag('sgd', 'nesterov', options.nesterov ?? false);
  const weightDecay = nonNegative('sgd', 'weightDecay', options.weightDecay ?? 0);
  if (nesterov && momentum === 0) throw new RangeError('sgd: nesterov needs a momentum above 0');
  return chain(
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay)] : []),
    ...(momentum > 0 ? [scaleByMomentum({ momentum, nesterov })] : []),
    scaleByLearningRate(lr),
  );
}

import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { chain } from '../transforms/chain.js';
import { scaleByAdam } from '../transforms/scale-by-adam.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { GradientTransformation } from '../types.js';
import { learningRate, nonNegative } from '../validate.js';
import type { AdamOptions } from './adam.js';

export interface AdamwOptions extends AdamOptions {
  /** Default 1e-4 (optax's; PyTorch uses 1e-2). Scaled by lr, as in PyTorch and optax. */
  readonly weightDecay?: number;
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with weight decay decoupled from the gradient
 * statistics, p ← p − lr·(m̂ / (√v̂ + eps) + weightDecay·p).
 */
export function adamw(options: AdamwOptions = {}): GradientTransformation {
  return chain(
    scaleByAdam(options),
    addDecayedWeights(nonNegative('adamw', 'weightDecay', options.weightDecay ?? 1e-4)),
    scaleByLearningRate(learningRate('adamw', options.lr ?? 1e-3)),
  );
}

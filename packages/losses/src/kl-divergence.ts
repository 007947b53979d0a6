import { clip, greater, log, mul, sub, sum, where, type Tensor } from '@keel/tensor';
import { checkBatch, checkDistributionTargets, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { reduce, type LossOptions } from './reduction.js';

export interface KlDivergenceOptions extends LossOptions {
  /** Predicted probabilities are clamped to [eps, 1], so a zero where the target is not gives a large, finite loss. */
  readonly eps?: number;
}

/**
 * KL(t ‖ p) = Σ t·(log t − log p) over the last axis, for target and predicted distributions
 * (rows summing to 1), then reduced over the batch.
 */
export function klDivergence(predictions: Tensor, targets: Tensor, options: KlDivergenceOptions = {}): Tensor {
  const eps = options.eps ?? 1e-7;
  if (!(eps > 0 && eps < 1)) throw new RangeError(`klDivergence: eps must be in (0, 1), got ${eps}`);
  throwIfError('klDivergence', [
    checkBatch('klDivergence', predictions, 2),
    checkSameShape('klDivergence', predictions, targets, true),
    checkDistributionTargets('klDivergence', targets),
  ]);
  // 0·log 0 is 0 (its limit); taking the log of 1 instead of 0 keeps NaN out of the value and the gradient.
  const safeTargets = where(greater(targets, 0), targets, 1);
  const elementwise = mul(targets, sub(log(safeTargets), log(clip(predictions, eps, 1))));
  return reduce('klDivergence', sum(elementwise, { axis: -1 }), options.reduction);
}

import { softmaxCrossEntropyWithLogits, type Tensor } from '@keel/tensor';
import { checkBatch, checkDistributionTargets, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { reduce, type LossOptions } from './reduction.js';

/**
 * Cross-entropy of logits [..., classes] against one-hot or soft targets of the same shape
 * (label smoothing included). The class axis is the last; every other position is an example.
 * Do not put a softmax on the output layer: this applies it, stably.
 */
export function softmaxCrossEntropy(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  throwIfError('softmaxCrossEntropy', [
    checkBatch('softmaxCrossEntropy', predictions, 2),
    checkSameShape('softmaxCrossEntropy', predictions, targets, true),
    checkDistributionTargets('softmaxCrossEntropy', targets),
  ]);
  // One fused kernel per direction: −Σ t·log softmax(x) from a max-subtracted log-sum-exp (logits
  // of ±1e4 give a finite loss), backward dy·(softmax(x)·Σt − t) with no division by a
  // probability that may have underflowed to 0.
  return reduce('softmaxCrossEntropy', softmaxCrossEntropyWithLogits(predictions, targets), options.reduction);
}

import { reshape, sparseSoftmaxCrossEntropyWithLogits, type Tensor } from '@keel/tensor';
import { checkBatch, checkClassIndices } from './checks.js';
import { throwIfError } from './issues.js';
import { reduce, type LossOptions } from './reduction.js';

/**
 * Cross-entropy of logits [..., classes] against integer class labels [...] (or [..., 1]), given as
 * a float tensor of whole numbers. The same loss as `softmaxCrossEntropy` on one-hot targets,
 * without building them.
 */
export function sparseSoftmaxCrossEntropy(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  throwIfError('sparseSoftmaxCrossEntropy', [
    checkBatch('sparseSoftmaxCrossEntropy', predictions, 2),
    predictions.rank >= 2 ? checkClassIndices('sparseSoftmaxCrossEntropy', predictions, targets) : undefined,
  ]);
  // One fused kernel per direction: −log softmax(x)[label] from a max-subtracted log-sum-exp
  // (finite for any finite logits), backward dy·(softmax(x) − onehot(label)).
  const labels = reshape(targets, predictions.shape.slice(0, -1));
  return reduce('sparseSoftmaxCrossEntropy', sparseSoftmaxCrossEntropyWithLogits(predictions, labels), options.reduction);
}

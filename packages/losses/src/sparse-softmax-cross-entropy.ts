import { cast, defineOp, expandDims, logSoftmax, mul, oneHot, reshape, softmax, sub, sum, type Tensor } from '@keel/tensor';
import { checkBatch, checkClassIndices } from './checks.js';
import { throwIfError } from './issues.js';
import { reduce, type LossOptions } from './reduction.js';

/**
 * Per-example −log softmax(x)[label]: the max-subtracted logSoftmax keeps it finite for any
 * finite logits. The backward is dy·(softmax(x) − onehot(label)); labels get no gradient.
 */
const sparseSoftmaxCrossEntropyOp = defineOp<{ classes: number }>({
  name: 'sparseSoftmaxCrossEntropy',
  // × −1 after the sum rather than neg: a perfect prediction then shows a loss of 0, not −0.
  forward: ([logits, labels], { classes }) => mul(sum(mul(oneHot(labels, classes), logSoftmax(logits)), { axis: -1 }), -1),
  backward: ({ inputs: [logits, labels], dy, attrs: { classes } }) => [
    cast(mul(expandDims(dy, -1), sub(softmax(logits), oneHot(labels, classes))), logits.dtype),
    null,
  ],
});

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
  const classes = predictions.shape[predictions.rank - 1];
  const labels = reshape(targets, predictions.shape.slice(0, -1));
  return reduce('sparseSoftmaxCrossEntropy', sparseSoftmaxCrossEntropyOp([predictions, labels], { classes }), options.reduction);
}

import { cast, defineOp, expandDims, logSoftmax, mul, neg, softmax, sub, sum, type Tensor } from '@keel/tensor';
import { checkBatch, checkDistributionTargets, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { reduce, type LossOptions } from './reduction.js';

/**
 * Per-example −Σ t·log softmax(x) over the last axis. logSoftmax subtracts each row's max before
 * exponentiating, so logits of ±1e4 give a finite loss (softmax then log would give log 0 = −∞).
 *
 * The backward is the classic fused one, dy·(softmax(x)·Σt − t): softmax − t for targets that sum
 * to 1, in one pass, with no division by a probability that may have underflowed to 0.
 */
const softmaxCrossEntropyOp = defineOp({
  name: 'softmaxCrossEntropy',
  // × −1 after the sum rather than neg: a perfect prediction then shows a loss of 0, not −0.
  forward: ([logits, targets]) => mul(sum(mul(targets, logSoftmax(logits)), { axis: -1 }), -1),
  backward: ({ inputs: [logits, targets], dy }) => {
    const perRow = expandDims(dy, -1);
    const mass = sum(targets, { axis: -1, keepDims: true });
    const dLogits = mul(perRow, sub(mul(softmax(logits), mass), targets));
    const dTargets = targets.requiresGrad ? cast(mul(perRow, neg(logSoftmax(logits))), targets.dtype) : null;
    return [cast(dLogits, logits.dtype), dTargets];
  },
});

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
  return reduce('softmaxCrossEntropy', softmaxCrossEntropyOp([predictions, targets]), options.reduction);
}

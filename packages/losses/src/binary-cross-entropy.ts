import { add, clip, log, mul, neg, sub, type Tensor } from '@keel/tensor';
import { checkBatch, checkBinaryTargets, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { meanPerExample, reduce, type LossOptions } from './reduction.js';

export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Probabilities are clamped to [eps, 1 − eps] so log never sees 0. */
  readonly eps?: number;
}

/** Keras's choice: small enough not to bias the loss, large enough that 1 − eps ≠ 1 in float32. */
const DEFAULT_EPS = 1e-7;

/**
 * −(t·log p + (1 − t)·log(1 − p)) on probabilities p (a sigmoid's output) and targets in [0, 1].
 *
 * Prefer `binaryCrossEntropyWithLogits` on the raw scores: once a sigmoid saturates, p is clamped
 * and its gradient is lost; from logits it never is.
 */
export function binaryCrossEntropy(predictions: Tensor, targets: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const eps = options.eps ?? DEFAULT_EPS;
  if (!(eps > 0 && eps < 0.5)) throw new RangeError(`binaryCrossEntropy: eps must be in (0, 0.5), got ${eps}`);
  throwIfError('binaryCrossEntropy', [
    checkBatch('binaryCrossEntropy', predictions),
    checkSameShape('binaryCrossEntropy', predictions, targets),
    checkBinaryTargets('binaryCrossEntropy', targets, false),
  ]);
  const p = clip(predictions, eps, 1 - eps);
  const elementwise = neg(add(mul(targets, log(p)), mul(sub(1, targets), log(sub(1, p)))));
  return reduce('binaryCrossEntropy', meanPerExample(elementwise), options.reduction);
}

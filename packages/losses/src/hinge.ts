import { equal, mul, relu, sub, where, type Tensor } from '@keel/tensor';
import { checkBatch, checkBinaryTargets, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { meanPerExample, reduce, type LossOptions } from './reduction.js';

/**
 * max(0, 1 − t·p) for labels t of -1/+1 and real-valued scores p (an SVM's margin loss).
 * A label 0 counts as -1, so 0/1 labels work unchanged.
 */
export function hinge(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  throwIfError('hinge', [checkBatch('hinge', predictions), checkSameShape('hinge', predictions, targets), checkBinaryTargets('hinge', targets, true)]);
  const signed = where(equal(targets, 0), -1, targets);
  return reduce('hinge', meanPerExample(relu(sub(1, mul(signed, predictions)))), options.reduction);
}

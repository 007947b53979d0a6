import { abs, sub, type Tensor } from '@keel/tensor';
import { checkBatch, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { meanPerExample, reduce, type LossOptions } from './reduction.js';

/** |p − t|, averaged over each example's outputs, then reduced over the batch (mean by default). */
export function meanAbsoluteError(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  throwIfError('meanAbsoluteError', [checkBatch('meanAbsoluteError', predictions), checkSameShape('meanAbsoluteError', predictions, targets)]);
  return reduce('meanAbsoluteError', meanPerExample(abs(sub(predictions, targets))), options.reduction);
}

import { square, sub, type Tensor } from '@keel/tensor';
import { checkBatch, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { meanPerExample, reduce, type LossOptions } from './reduction.js';

/** (p − t)², averaged over each example's outputs, then reduced over the batch (mean by default). */
export function meanSquaredError(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  throwIfError('meanSquaredError', [checkBatch('meanSquaredError', predictions), checkSameShape('meanSquaredError', predictions, targets)]);
  return reduce('meanSquaredError', meanPerExample(square(sub(predictions, targets))), options.reduction);
}

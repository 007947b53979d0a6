import { abs, add, minimum, mul, square, sub, type Tensor } from '@keel/tensor';
import { checkBatch, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { meanPerExample, reduce, type LossFn, type LossOptions } from './reduction.js';

/**
 * The Huber loss with threshold `delta`: ½e² where |e| ≤ δ, δ(|e| − ½δ) beyond, with e = p − t.
 * Quadratic near the target, linear for outliers, so one bad label cannot dominate the gradient.
 */
export function huber(delta = 1): LossFn {
  if (!(delta > 0 && Number.isFinite(delta))) throw new RangeError(`huber: delta must be a positive number, got ${delta}`);
  return (predictions: Tensor, targets: Tensor, options: LossOptions = {}) => {
    throwIfError('huber', [checkBatch('huber', predictions), checkSameShape('huber', predictions, targets)]);
    const error = abs(sub(predictions, targets));
    // q = min(|e|, δ) gives both pieces at once: ½q² + δ(|e| − q), with no branch to differentiate.
    const quadratic = minimum(error, delta);
    const elementwise = add(mul(square(quadratic), 0.5), mul(sub(error, quadratic), delta));
    return reduce('huber', meanPerExample(elementwise), options.reduction);
  };
}

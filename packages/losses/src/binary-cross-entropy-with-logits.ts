import { abs, add, cast, defineOp, exp, log1p, mul, neg, relu, sigmoid, sub, type Tensor } from '@keel/tensor';
import { checkBatch, checkBinaryTargets, checkSameShape } from './checks.js';
import { throwIfError } from './issues.js';
import { meanPerExample, reduce, type LossOptions } from './reduction.js';

/**
 * Elementwise −(z·log σ(x) + (1 − z)·log(1 − σ(x))) from logits x, as max(x, 0) − x·z + log1p(exp(−|x|)):
 * exp only ever sees −|x| ≤ 0, so it cannot overflow, and no log of a rounded-to-zero σ is taken.
 *
 * The gradient is written by hand, σ(x) − z: differentiating the formula through max and |x|
 * would give −z at exactly x = 0 (where both kinks sit), and zero-initialised output layers
 * produce exactly x = 0.
 */
const bceWithLogits = defineOp({
  name: 'binaryCrossEntropyWithLogits',
  forward: ([x, z]) => add(sub(relu(x), mul(x, z)), log1p(exp(neg(abs(x))))),
  backward: ({ inputs: [x, z], dy }) => [
    cast(mul(dy, sub(sigmoid(x), z)), x.dtype),
    z.requiresGrad ? cast(mul(dy, neg(x)), z.dtype) : null,
  ],
});

/**
 * Binary cross-entropy from raw scores (logits) and targets in [0, 1]: the stable way to train a
 * two-class (or multi-label) output. Do not put a sigmoid on the output layer; this applies it.
 */
export function binaryCrossEntropyWithLogits(predictions: Tensor, targets: Tensor, options: LossOptions = {}): Tensor {
  throwIfError('binaryCrossEntropyWithLogits', [
    checkBatch('binaryCrossEntropyWithLogits', predictions),
    checkSameShape('binaryCrossEntropyWithLogits', predictions, targets),
    checkBinaryTargets('binaryCrossEntropyWithLogits', targets, false),
  ]);
  return reduce('binaryCrossEntropyWithLogits', meanPerExample(bceWithLogits([predictions, targets])), options.reduction);
}

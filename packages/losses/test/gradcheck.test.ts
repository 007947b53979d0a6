import { gradcheck, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, hinge, huber, klDivergence, meanAbsoluteError, meanSquaredError, softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy, type LossFn, type Reduction,
} from '../src/index.js';
import { f64 } from './helpers.js';

// Points are chosen away from kinks (|e| = 0 for MAE, |e| = δ for Huber, t·p = 1 for hinge) and
// inside the clamp of the losses on probabilities, where the derivative is defined.
const cases: { name: string; loss: LossFn; predictions: Tensor; targets: Tensor }[] = [
  { name: 'meanSquaredError', loss: meanSquaredError, predictions: f64([[0.3, -1.2], [2, 0.5]]), targets: f64([[0, 1], [1.5, -0.5]]) },
  { name: 'meanAbsoluteError', loss: meanAbsoluteError, predictions: f64([[0.3, -1.2], [2, 0.5]]), targets: f64([[0, 1], [1.5, -0.5]]) },
  { name: 'huber', loss: huber(1), predictions: f64([[0.3, -1.2], [2, 0.5]]), targets: f64([[0, 1], [1.5, -0.8]]) },
  { name: 'binaryCrossEntropy', loss: binaryCrossEntropy, predictions: f64([[0.2], [0.7], [0.55]]), targets: f64([[1], [0], [0.3]]) },
  { name: 'binaryCrossEntropyWithLogits', loss: binaryCrossEntropyWithLogits, predictions: f64([[-1.5, 0], [3, 0.2]]), targets: f64([[1, 0], [0, 0.4]]) },
  {
    name: 'softmaxCrossEntropy',
    loss: softmaxCrossEntropy,
    predictions: f64([[1, -2, 0.5], [0, 0.1, 3]]),
    targets: f64([[0, 0, 1], [0.2, 0.5, 0.3]]),
  },
  { name: 'sparseSoftmaxCrossEntropy', loss: sparseSoftmaxCrossEntropy, predictions: f64([[1, -2, 0.5], [0, 0.1, 3]]), targets: f64([2, 0]) },
  { name: 'hinge', loss: hinge, predictions: f64([0.3, -0.4, 2.5, 0.2]), targets: f64([1, 1, -1, -1]) },
  { name: 'klDivergence', loss: klDivergence, predictions: f64([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]), targets: f64([[0.1, 0.1, 0.8], [0.5, 0.5, 0]]) },
];

const reductions: Reduction[] = ['mean', 'sum', 'none'];

describe.each(cases)('$name', ({ loss, predictions, targets }) => {
  it.each(reductions)("passes gradcheck in float64 with reduction '%s'", (reduction) => {
    const result = gradcheck((p) => loss(p, targets, { reduction }), [predictions]);
    expect(result.ok, result.message).toBe(true);
  });
});

describe('gradients with respect to soft targets', () => {
  it('softmaxCrossEntropy and binaryCrossEntropyWithLogits differentiate their targets too', () => {
    const logits = f64([[1, -2, 0.5], [0, 0.1, 3]]);
    const soft = f64([[0.1, 0.2, 0.7], [0.2, 0.5, 0.3]]);
    expect(gradcheck((x, t) => softmaxCrossEntropy(x, t), [logits, soft]).ok).toBe(true);
    const bce = gradcheck((x, z) => binaryCrossEntropyWithLogits(x, z), [f64([[-1.5, 0.3], [3, 0.2]]), f64([[0.9, 0.1], [0.5, 0.4]])]);
    expect(bce.ok, bce.message).toBe(true);
  });
});

import { checkLossInputs } from '@keel/losses';
import { formatShape, reshape, shapesEqual, type Tensor } from '@keel/tensor';
import type { MetricContext } from './metrics/metric.js';

/**
 * The loss whose target check fits what the model outputs: evaluate without a loss checks the
 * targets as that loss would, so a label 7 for a 4-class model is the same error with metrics
 * alone as with a loss, not a silent miss. Real-valued outputs (regression) take any finite target.
 */
function lossLike(output: Tensor, targets: Tensor, predictions: MetricContext['predictions']): string | undefined {
  if (predictions === 'real') return undefined;
  const classes = output.rank >= 2 ? output.shape[output.rank - 1] : 1;
  if (classes > 1) {
    if (!shapesEqual(targets.shape, output.shape)) return 'sparseSoftmaxCrossEntropy';
    return predictions === 'logits' ? 'softmaxCrossEntropy' : 'klDivergence';
  }
  return predictions === 'logits' ? 'binaryCrossEntropyWithLogits' : 'binaryCrossEntropy';
}

/**
 * One batch's targets, for evaluate with metrics and no loss: the errors the loss path raises
 * (class indices out of range or not whole, one-hot rows outside [0, 1], 0/1 labels outside
 * [0, 1], shapes that fit no layout), from the losses' own `checkLossInputs`. `first` is the
 * index of the batch's first example.
 */
export function checkTargetsWithoutLoss(owner: string, output: Tensor, targets: Tensor, predictions: MetricContext['predictions'], first: number): void {
  const lossId = lossLike(output, targets, predictions);
  if (lossId === undefined) return;
  // one score per example: [n] and [n, 1] targets are the same labels to the metrics
  const binary = lossId.startsWith('binary') && targets.size === output.size && !shapesEqual(targets.shape, output.shape);
  const checked = binary ? reshape(targets, output.shape) : targets;
  const error = checkLossInputs(lossId, output, checked).find((issue) => issue.level === 'error');
  if (error === undefined) return;
  // the loss's message counts positions within the batch
  throw new RangeError(
    `${owner}: the targets do not fit the model's outputs ${formatShape(output.shape)} (checked as the loss ${lossId} checks them, since no loss was given): ` +
      `in the batch starting at example ${first}, ${error.message.slice(lossId.length + 2)}`,
  );
}

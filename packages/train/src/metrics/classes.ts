import { formatShape, type Tensor } from '@keel/tensor';
import { checkTensors } from './inputs.js';

/**
 * Predicted and true class of each example, whatever the layout: multi-class outputs
 * [n, K] (argmax) against index [n] or one-hot [n, K] targets; one output [n] / [n, 1]
 * against 0/1 targets with a threshold (0 for logits, 0.5 for probabilities).
 * A target that is no class of the predictions is an error naming the metric (`name`), the
 * target, its index and the class count: counted as a miss it would make the score silently wrong,
 * and as a confusion-matrix row it does not exist.
 */
export function classesOf(name: string, predictions: Tensor, targets: Tensor, threshold: number): { predicted: Int32Array; actual: Int32Array; classes: number } {
  checkTensors(name, predictions, targets);
  const n = predictions.shape[0] ?? 1;
  const p = predictions.borrowValues();
  const t = targets.borrowValues();
  const width = n === 0 ? 1 : predictions.size / n;
  const targetRows = targets.rank === 0 ? 1 : targets.shape[0];
  if (targetRows !== n) {
    throw new RangeError(`${name}: predictions ${formatShape(predictions.shape)} are ${n} examples but targets ${formatShape(targets.shape)} are ${targetRows}; pass one target per example`);
  }
  const predicted = new Int32Array(n);
  const actual = new Int32Array(n);
  if (width === 1) {
    if (targets.size !== n) {
      throw new RangeError(`${name}: predictions ${formatShape(predictions.shape)} are one score per example, but targets ${formatShape(targets.shape)} hold ${targets.size} values; pass one 0/1 label per example`);
    }
    for (let i = 0; i < n; i++) {
      // 0/1 labels or probabilities, as the binary losses take; -1/+1 as hinge takes
      if (!((t[i] >= 0 && t[i] <= 1) || t[i] === -1)) {
        throw new RangeError(`${name}: target ${t[i]} at index ${i} is not a label of the 2 classes of one output per example; the targets must be 0/1 (or -1/+1, or probabilities in [0, 1])`);
      }
      predicted[i] = p[i] > threshold ? 1 : 0;
      actual[i] = t[i] > 0.5 ? 1 : 0;
    }
    return { predicted, actual, classes: 2 };
  }
  const targetWidth = targets.size / n;
  if (targetWidth !== 1 && targetWidth !== width) {
    throw new RangeError(
      `${name}: targets ${formatShape(targets.shape)} fit neither layout for predictions ${formatShape(predictions.shape)} of ${width} classes: ` +
        `pass class indices ${formatShape([n])} or one-hot rows ${formatShape([n, width])}`,
    );
  }
  for (let i = 0; i < n; i++) {
    predicted[i] = argmaxRow(p, i * width, width);
    if (targetWidth === 1) {
      if (!(Number.isInteger(t[i]) && t[i] >= 0 && t[i] < width)) {
        throw new RangeError(
          `${name}: target ${t[i]} at index ${i} is not one of the ${width} classes 0..${width - 1} of predictions ${formatShape(predictions.shape)} — ` +
            'are the labels 1-based, or does the output layer have too few units?',
        );
      }
      actual[i] = t[i];
    } else {
      const bad = firstOutside(t, i * targetWidth, targetWidth);
      if (bad >= 0) {
        throw new RangeError(`${name}: target ${t[bad]} at index ${bad} (row ${i}) is outside [0, 1]; one-hot (or soft) targets of ${width} classes must be probabilities`);
      }
      actual[i] = argmaxRow(t, i * targetWidth, targetWidth);
    }
  }
  return { predicted, actual, classes: width };
}

function argmaxRow(values: ArrayLike<number>, start: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (values[start + j] > values[start + best]) best = j;
  return best;
}

function firstOutside(values: ArrayLike<number>, start: number, width: number): number {
  for (let j = start; j < start + width; j++) if (!(values[j] >= 0 && values[j] <= 1)) return j;
  return -1;
}

export function thresholdFor(predictions: 'logits' | 'probabilities' | 'real'): number {
  return predictions === 'logits' ? 0 : 0.5;
}

import type { Tensor } from '@keel/tensor';

/**
 * Predicted and true class of each example, whatever the layout: multi-class outputs
 * [n, K] (argmax) against index [n] or one-hot [n, K] targets; one output [n] / [n, 1]
 * against 0/1 targets with a threshold (0 for logits, 0.5 for probabilities).
 */
export function classesOf(predictions: Tensor, targets: Tensor, threshold: number): { predicted: Int32Array; actual: Int32Array; classes: number } {
  const n = predictions.shape[0] ?? 1;
  const p = predictions.borrowValues();
  const t = targets.borrowValues();
  const width = predictions.size / n;
  const predicted = new Int32Array(n);
  const actual = new Int32Array(n);
  if (width === 1) {
    for (let i = 0; i < n; i++) {
      predicted[i] = p[i] > threshold ? 1 : 0;
      actual[i] = t[i] > 0.5 ? 1 : 0;
    }
    return { predicted, actual, classes: 2 };
  }
  const targetWidth = targets.size / n;
  for (let i = 0; i < n; i++) {
    predicted[i] = argmaxRow(p, i * width, width);
    actual[i] = targetWidth === 1 ? t[i] : argmaxRow(t, i * targetWidth, targetWidth);
  }
  return { predicted, actual, classes: width };
}

function argmaxRow(values: ArrayLike<number>, start: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (values[start + j] > values[start + best]) best = j;
  return best;
}

export function thresholdFor(predictions: 'logits' | 'probabilities' | 'real'): number {
  return predictions === 'logits' ? 0 : 0.5;
}

import { numbersArgument } from '../arguments.js';

/**
 * Labels to one-hot rows: a row-major [labels.length, classes] Float32Array. Ten classes want
 * one-hot targets with softmax cross-entropy, not MSE on the raw label.
 */
export function oneHotLabels(labels: ArrayLike<number>, classes: number): Float32Array {
  numbersArgument('oneHotLabels(labels)', labels);
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`classes must be a positive integer, got ${classes}`);
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`label at index ${i} is ${label}, but classes is ${classes} (labels must be integers 0..${classes - 1})`);
    }
    out[i * classes + label] = 1;
  }
  return out;
}

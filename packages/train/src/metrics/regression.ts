import type { Tensor } from '@keel/tensor';
import { checkTensors } from './inputs.js';
import type { Metric } from './metric.js';

function checkSizes(name: string, predictions: Tensor, targets: Tensor): void {
  checkTensors(name, predictions, targets);
  if (predictions.size !== targets.size) {
    throw new RangeError(`${name}: predictions have ${predictions.size} values ([${predictions.shape.join(', ')}]) but targets ${targets.size} ([${targets.shape.join(', ')}])`);
  }
}

/** The mean of `error(prediction, target)` over every value seen. */
function meanError(name: string, error: (p: number, t: number) => number): Metric {
  let total = 0;
  let count = 0;
  return {
    name,
    reset() {
      total = 0;
      count = 0;
    },
    update(predictions, targets) {
      checkSizes(name, predictions, targets);
      const p = predictions.borrowValues();
      const t = targets.borrowValues();
      for (let i = 0; i < p.length; i++) total += error(p[i], t[i]);
      count += p.length;
    },
    result: () => (count === 0 ? 0 : total / count),
  };
}

/** Mean absolute error over every value seen. */
export function mae(): Metric {
  return meanError('mae', (p, t) => Math.abs(p - t));
}

/** Mean squared error over every value seen. */
export function mse(): Metric {
  return meanError('mse', (p, t) => (p - t) ** 2);
}

/** Coefficient of determination, 1 − SS_res / SS_tot, from running sums. */
export function r2(): Metric {
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  let residual = 0;
  return {
    name: 'r2',
    reset() {
      n = sum = sumSquares = residual = 0;
    },
    update(predictions, targets) {
      checkSizes('r2', predictions, targets);
      const p = predictions.borrowValues();
      const t = targets.borrowValues();
      for (let i = 0; i < p.length; i++) {
        n++;
        sum += t[i];
        sumSquares += t[i] * t[i];
        residual += (t[i] - p[i]) ** 2;
      }
    },
    result: () => {
      const total = sumSquares - (sum * sum) / n;
      return n === 0 || total === 0 ? 0 : 1 - residual / total;
    },
  };
}

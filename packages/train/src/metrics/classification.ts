import type { Tensor } from '@keel/tensor';
import { classesOf, thresholdFor } from './classes.js';
import { describeArgument } from '../describe.js';
import { checkContext } from './inputs.js';
import type { Metric, MetricContext, MetricValue } from './metric.js';

/** Fraction of examples whose predicted class is the target class (binary, categorical or sparse). */
export function accuracy(context: MetricContext): Metric {
  const threshold = thresholdFor(checkContext('accuracy', context).predictions);
  let correct = 0;
  let total = 0;
  return {
    name: 'accuracy',
    reset() {
      correct = 0;
      total = 0;
    },
    update(predictions: Tensor, targets: Tensor) {
      const { predicted, actual } = classesOf('accuracy', predictions, targets, threshold);
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
      total += predicted.length;
    },
    result: () => (total === 0 ? 0 : correct / total),
  };
}

/** Accumulates a confusion matrix (rows: actual class, columns: predicted class). */
function confusionCounter(name: string, context: MetricContext) {
  const threshold = thresholdFor(checkContext(name, context).predictions);
  let matrix: number[][] = [];
  const grow = (classes: number): void => {
    while (matrix.length < classes) matrix.push([]);
    for (const row of matrix) while (row.length < classes) row.push(0);
  };
  return {
    reset() {
      matrix = [];
    },
    update(predictions: Tensor, targets: Tensor) {
      const { predicted, actual, classes } = classesOf(name, predictions, targets, threshold);
      grow(classes);
      for (let i = 0; i < predicted.length; i++) matrix[actual[i]][predicted[i]]++;
    },
    matrix: () => matrix,
  };
}

/** Per-class precision, recall and F1, and their unweighted (macro) means. */
export function perClassScores(matrix: readonly (readonly number[])[]): { precision: number[]; recall: number[]; f1: number[]; macro: { precision: number; recall: number; f1: number } } {
  const k = checkSquare(matrix);
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = matrix[c][c];
    let predictedC = 0;
    let actualC = 0;
    for (let r = 0; r < k; r++) {
      predictedC += matrix[r][c];
      actualC += matrix[c][r];
    }
    const p = predictedC === 0 ? 0 : tp / predictedC;
    const r = actualC === 0 ? 0 : tp / actualC;
    precision.push(p);
    recall.push(r);
    f1.push(p + r === 0 ? 0 : (2 * p * r) / (p + r));
  }
  const avg = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return { precision, recall, f1, macro: { precision: avg(precision), recall: avg(recall), f1: avg(f1) } };
}

/** A square matrix of counts (as confusionMatrix's result holds): its size. */
function checkSquare(matrix: unknown): number {
  const rows = Array.isArray(matrix) ? (matrix as unknown[]) : undefined;
  const bad = rows?.findIndex((row) => !Array.isArray(row) || row.length !== rows.length || !row.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0));
  if (rows === undefined || bad !== -1) {
    const which = rows === undefined ? `got ${describeArgument(matrix)}` : `row ${bad} is ${describeArgument(rows[bad!])}${Array.isArray(rows[bad!]) ? ` of a ${rows.length}-row matrix` : ''}`;
    throw new TypeError(`perClassScores(matrix) must be a square matrix of counts (rows actual, columns predicted, as confusionMatrix gives), ${which}`);
  }
  return rows.length;
}

function macroMetric(name: 'precision' | 'recall' | 'f1') {
  return (context: MetricContext): Metric => {
    const counter = confusionCounter(name, context);
    return { name, reset: () => counter.reset(), update: (p, t) => counter.update(p, t), result: () => perClassScores(counter.matrix()).macro[name] };
  };
}

/** Macro-averaged precision, recall and F1 over the classes. */
export const precision = macroMetric('precision');
export const recall = macroMetric('recall');
export const f1 = macroMetric('f1');

/** The confusion matrix itself (rows actual, columns predicted). */
export function confusionMatrix(context: MetricContext): Metric {
  const counter = confusionCounter('confusionMatrix', context);
  return { name: 'confusionMatrix', reset: () => counter.reset(), update: (p, t) => counter.update(p, t), result: (): MetricValue => ({ matrix: counter.matrix() }) };
}

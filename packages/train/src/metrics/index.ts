import type { Registry } from '@keel/registry';
import { accuracy, confusionMatrix, f1, precision, recall } from './classification.js';
import type { Metric, MetricContext, MetricEntry } from './metric.js';
import { mae, mse, r2 } from './regression.js';

export const metricEntries: readonly MetricEntry[] = [
  { id: 'accuracy', description: 'fraction of correct classes (binary, categorical or sparse targets)', direction: 'max', create: accuracy },
  { id: 'precision', description: 'macro-averaged precision', direction: 'max', create: precision },
  { id: 'recall', description: 'macro-averaged recall', direction: 'max', create: recall },
  { id: 'f1', description: 'macro-averaged F1', direction: 'max', create: f1 },
  { id: 'confusionMatrix', description: 'confusion matrix (rows actual, columns predicted)', direction: 'max', create: confusionMatrix },
  { id: 'mae', description: 'mean absolute error', direction: 'min', create: mae },
  { id: 'mse', description: 'mean squared error', direction: 'min', create: mse },
  { id: 'r2', description: 'coefficient of determination', direction: 'max', create: r2 },
];

/** A metric by id (Keel's or a plugin's) or a ready Metric object. */
export function resolveMetric(registry: Registry, metric: string | Metric, context: MetricContext): Metric {
  return typeof metric === 'string' ? registry.resolve('metric', metric).create(context) : metric;
}

export { accuracy, confusionMatrix, f1, precision, recall, mae, mse, r2 };
export { perClassScores } from './classification.js';
export type { Metric, MetricContext, MetricEntry, MetricValue } from './metric.js';

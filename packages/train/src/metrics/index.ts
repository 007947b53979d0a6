import type { IdKeys, IdsOf, Registry } from '@keel/registry';
import { describeArgument } from '../describe.js';
import { accuracy, confusionMatrix, f1, precision, recall } from './classification.js';
import type { Metric, MetricContext, MetricEntry, MetricId } from './metric.js';
import { mae, mse, r2 } from './regression.js';

// Keel's metrics take no options (they read the task from the context): each declares that.
// The ids stay literal types: `BuiltinMetricId` and the `RegisteredIds` keys are derived from them.
export const metricEntries = [
  { id: 'accuracy', description: 'fraction of correct classes (binary, categorical or sparse targets)', options: {}, direction: 'max', create: accuracy },
  { id: 'precision', description: 'macro-averaged precision', options: {}, direction: 'max', create: precision },
  { id: 'recall', description: 'macro-averaged recall', options: {}, direction: 'max', create: recall },
  { id: 'f1', description: 'macro-averaged F1', options: {}, direction: 'max', create: f1 },
  { id: 'confusionMatrix', description: 'confusion matrix (rows actual, columns predicted)', options: {}, direction: 'max', create: confusionMatrix },
  { id: 'mae', description: 'mean absolute error', options: {}, direction: 'min', create: mae },
  { id: 'mse', description: 'mean squared error', options: {}, direction: 'min', create: mse },
  { id: 'r2', description: 'coefficient of determination', options: {}, direction: 'max', create: r2 },
] as const satisfies readonly MetricEntry[];

/** The ids of Keel's metrics: `'accuracy' | 'f1' | ...`. */
export type BuiltinMetricId = IdsOf<typeof metricEntries>;

declare module '@keel/registry' {
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'metric', BuiltinMetricId> {}
}

const HOOKS = ['reset', 'update', 'result'] as const;

/**
 * A metric by id (Keel's or a plugin's) or a ready Metric object. `where` names the argument in
 * messages ('fit: metrics[1]'): anything else would fail at the first batch with a raw TypeError.
 */
export function resolveMetric(registry: Registry, metric: MetricId | Metric, context: MetricContext, where = 'resolveMetric(metric)'): Metric {
  if (typeof metric === 'string') return registry.resolve('metric', metric).create(context);
  const given = metric as unknown;
  if (typeof given === 'object' && given !== null && typeof (given as Metric).name === 'string' && HOOKS.every((h) => typeof (given as Record<string, unknown>)[h] === 'function')) return metric;
  const hint = typeof given === 'function' ? "; call it to make the metric, e.g. accuracy({ predictions: 'logits' })" : '';
  throw new TypeError(
    `${where} is ${describeArgument(given)}${hint}; expected a metric id such as 'accuracy' or a Metric object { name, reset(), update(predictions, targets), result() }`,
  );
}

export { accuracy, confusionMatrix, f1, precision, recall, mae, mse, r2 };
export { perClassScores } from './classification.js';
export type { Metric, MetricContext, MetricEntry, MetricId, MetricValue } from './metric.js';

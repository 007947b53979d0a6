import { Tensor } from '@keel/tensor';
import { describeArgument } from '../describe.js';
import type { MetricContext } from './metric.js';

const PREDICTIONS = ['logits', 'probabilities', 'real'];

/** A metric's context, checked when the metric is made: its threshold depends on it. */
export function checkContext(name: string, context: unknown): MetricContext {
  const predictions = (context as { predictions?: unknown } | null | undefined)?.predictions;
  if (typeof context !== 'object' || context === null || typeof predictions !== 'string' || !PREDICTIONS.includes(predictions)) {
    const given = typeof context === 'object' && context !== null ? `{ predictions: ${describeArgument(predictions)} }` : describeArgument(context);
    throw new TypeError(`${name}(context) must be { predictions: 'logits' | 'probabilities' | 'real' } (what the model outputs), got ${given}`);
  }
  return context as MetricContext;
}

/** What `update` is given must be two tensors (from a custom loop as much as from fit). */
export function checkTensors(name: string, predictions: unknown, targets: unknown): void {
  if (!(predictions instanceof Tensor)) throw new TypeError(`${name}.update(predictions, targets): predictions must be a Tensor (the model's outputs), got ${describeArgument(predictions)}`);
  if (!(targets instanceof Tensor)) throw new TypeError(`${name}.update(predictions, targets): targets must be a Tensor, got ${describeArgument(targets)}`);
}

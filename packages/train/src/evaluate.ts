import { DataLoader, type Dataset, type Example } from '@keel/data';
import type { Module } from '@keel/layers';
import { defaultRegistry, type Registry } from '@keel/registry';
import { concat, noGrad, slice, tidy, type Tensor } from '@keel/tensor';
import { resolveMetric, type Metric } from './metrics/index.js';
import type { LossArg } from './options.js';
import { installTrain } from './plugin.js';
import { resolveLoss, type ResolvedLoss } from './resolve.js';

/** Loss (averaged over examples) and metrics of a model on data, in evaluation mode. */
export function evaluateWith(model: Module, data: Dataset<Example>, loss: ResolvedLoss, metrics: readonly Metric[], batchSize: number): Record<string, number> {
  model.eval();
  for (const m of metrics) m.reset();
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (const batch of new DataLoader(data, { batchSize })) {
      // each batch's tensors are freed as soon as its numbers are read
      tidy(() => {
        const output = model.apply(batch.x);
        total += loss.fn(output, batch.y).item() * batch.size;
        count += batch.size;
        for (const m of metrics) m.update(output, batch.y);
      });
      batch.x.dispose();
      batch.y.dispose();
    }
  });
  const result: Record<string, number> = { loss: total / Math.max(count, 1) };
  for (const m of metrics) {
    const value = m.result();
    if (typeof value === 'number') result[m.name] = value;
  }
  return result;
}

export interface EvaluateOptions {
  loss: LossArg;
  metrics?: readonly (string | Metric)[];
  batchSize?: number;
  registry?: Registry;
}

/** Evaluates a model: `{ loss, accuracy, ... }` (the model is left in evaluation mode). */
export function evaluate(model: Module, data: Dataset<Example>, options: EvaluateOptions): Record<string, number> {
  const registry = options.registry ?? (model as { registry?: Registry }).registry ?? defaultRegistry;
  installTrain(registry);
  const loss = resolveLoss(registry, options.loss);
  const metrics = (options.metrics ?? ['accuracy']).map((m) => resolveMetric(registry, m, { predictions: loss.expects }));
  return evaluateWith(model, data, loss, metrics, options.batchSize ?? 256);
}

/** The model's outputs for a batch of inputs (evaluation mode, no gradients), in chunks of `batchSize`. */
export function predict(model: Module, x: Tensor, batchSize = 256): Tensor {
  model.eval();
  // tidy: the chunks' outputs (and their intermediates) are freed once concatenated
  return tidy(() => noGrad(() => {
    const n = x.shape[0];
    if (n <= batchSize) return model.apply(x);
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) parts.push(model.apply(slice(x, [start], [Math.min(batchSize, n - start)])));
    return concat(parts, 0);
  }));
}

import type { Dataset, Example } from '@keel/data';
import type { Module } from '@keel/layers';
import { defaultRegistry, type Registry } from '@keel/registry';
import { concat, formatShape, noGrad, slice, Tensor, tidy } from '@keel/tensor';
import { loaderFor } from './data-loader.js';
import { describeArgument } from './describe.js';
import { resolveMetric, type Metric, type MetricContext, type MetricId } from './metrics/index.js';
import { checkInputs, checkLoss, checkOutputs, checkTargets } from './finite-outputs.js';
import { checkInputShape } from './input-shape.js';
import { checkTargetsWithoutLoss } from './metric-targets.js';
import { checkModel } from './model-argument.js';
import { checkDataset, checkEvaluateOptions, checkBatchSize, checkPredictOptions, type LossArg } from './options.js';
import { installTrain } from './plugin.js';
import { resolveLoss, type ResolvedLoss } from './resolve.js';

/**
 * Loss (averaged over examples; left out without a loss) and metrics of a model on data, in
 * evaluation mode. A non-finite output, target or loss is an error naming the example (and the
 * layer): a NaN score is never returned. `owner` names the caller in messages. Without a loss,
 * the targets are checked as the loss for `predictions` would check them.
 */
export function evaluateWith(
  model: Module,
  data: Dataset<Example>,
  loss: ResolvedLoss | undefined,
  metrics: readonly Metric[],
  batchSize: number,
  owner = 'evaluate',
  predictions: MetricContext['predictions'] = 'real',
): Record<string, number> {
  model.eval();
  for (const m of metrics) m.reset();
  let total = 0;
  let count = 0;
  const loader = loaderFor(owner, 'the data', model, data, { batchSize });
  checkInputShape(owner, model, loader.featureShape);
  noGrad(() => {
    for (const batch of loader) {
      // each batch's tensors are freed as soon as its numbers are read
      tidy(() => {
        const first = count;
        checkInputs(owner, batch.x, (row) => first + row);
        const output = model.apply(batch.x);
        // one allFinite each on the backend; values are read only to explain a failure
        checkOutputs(owner, model, batch.x, output, count);
        checkTargets(owner, batch.y, count);
        if (loss === undefined) checkTargetsWithoutLoss(owner, output, batch.y, predictions, count);
        if (loss !== undefined) {
          const value = loss.fn(output, batch.y).item();
          checkLoss(owner, value, count, batch.size);
          total += value * batch.size;
        }
        count += batch.size;
        for (const m of metrics) m.update(output, batch.y);
      });
      batch.x.dispose();
      batch.y.dispose();
    }
  });
  // callers check for an empty set first: a loss over no examples is not 0
  const result: Record<string, number> = loss === undefined ? {} : { loss: total / count };
  for (const m of metrics) {
    const value = m.result();
    if (typeof value === 'number') result[m.name] = value;
  }
  return result;
}

export interface EvaluateOptions {
  /** The loss to average; leave it out to compute metrics only (then say what the model outputs with `predictions`). */
  loss?: LossArg;
  /** Default ['accuracy'] with a loss; required without one. */
  metrics?: readonly (MetricId | Metric)[];
  /**
   * What the model outputs, for metrics given by id when there is no loss to tell (a binary
   * accuracy thresholds logits at 0 and probabilities at 0.5).
   */
  predictions?: 'logits' | 'probabilities' | 'real';
  batchSize?: number;
  registry?: Registry;
}

/** Evaluates a model: `{ loss, accuracy, ... }` (the model is left in evaluation mode). */
export function evaluate(model: Module, data: Dataset<Example>, options?: EvaluateOptions): Record<string, number> {
  checkModel('evaluate', model, ['apply', 'eval']);
  options = checkEvaluateOptions(options);
  const registry = options.registry ?? (model as { registry?: Registry }).registry ?? defaultRegistry;
  installTrain(registry);
  checkDataset('evaluate', 'the data', data);
  const batchSize = checkBatchSize('evaluate', options.batchSize, 256);
  const loss = options.loss === undefined ? undefined : resolveLoss(registry, options.loss, 'evaluate');
  const wanted: readonly (MetricId | Metric)[] = options.metrics ?? (loss === undefined ? [] : ['accuracy']);
  if (loss === undefined && wanted.length === 0) {
    throw new TypeError("evaluate: nothing to compute: pass a loss (e.g. loss: 'sparseSoftmaxCrossEntropy'), metrics (e.g. metrics: ['accuracy']), or both");
  }
  const predictions = loss?.expects ?? options.predictions;
  if (predictions === undefined && wanted.some((m) => typeof m === 'string')) {
    throw new TypeError(
      "evaluate: without a loss, say what the model outputs so the metrics read it right: predictions: 'logits', 'probabilities' or 'real' (or pass a loss)",
    );
  }
  const metrics = wanted.map((m, i) => resolveMetric(registry, m, { predictions: predictions ?? 'real' }, `evaluate: metrics[${i}]`));
  return evaluateWith(model, data, loss, metrics, batchSize, 'evaluate', predictions ?? 'real');
}

const PREDICT_X = 'predict: x must be a Tensor of inputs with the examples along the first axis ([examples, ...features])';

/** predict's x: a Tensor (of this @keel/tensor) holding a batch, not one example or a scalar. */
function checkPredictInput(model: Module, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    const isObject = typeof x === 'object' && x !== null;
    const isDataset = isObject && typeof (x as { get?: unknown }).get === 'function' && 'length' in x;
    const tensorLike = isObject && 'shape' in x;
    throw new TypeError(
      `${PREDICT_X}, got ${isDataset ? 'a Dataset' : describeArgument(x)}` +
        (isDataset
          ? '; for a Dataset, collate its inputs into one tensor first (const loader = new DataLoader(data, { batchSize: data.length, shuffle: false }); predict(model, loader.collate(loader.order(0)).x)), or use evaluate(model, data, { loss, metrics }) for scores'
          : tensorLike
            ? " that is not a Tensor of this @keel/tensor (built by hand, or by another copy of the package): make one with tensor([[0, 1], [1, 0]]) or Tensor.fromValues(values, shape, 'float32')"
            : '; e.g. tensor([[0, 1], [1, 0]])'),
    );
  }
  if (x.rank === 0) throw new RangeError(`${PREDICT_X}, got a scalar (shape []); e.g. tensor([[0, 1]]) for one example of 2 features`);
  const modelShape = (model as { inputShape?: unknown }).inputShape;
  // one example without its batch axis: the loader-made shape check would call its examples []
  if (Array.isArray(modelShape) && modelShape.length === x.rank && modelShape.every((d, i) => d === x.shape[i])) {
    throw new RangeError(`${PREDICT_X}, got shape ${formatShape(x.shape)}, the shape of one example: add the batch axis, reshape(x, ${formatShape([1, ...x.shape])})`);
  }
  if (Array.isArray(modelShape) && x.rank === 1 && modelShape.length > 0) {
    throw new RangeError(`${PREDICT_X}, got shape ${formatShape(x.shape)}; the model takes examples of shape ${formatShape(modelShape as number[])}, so x must be [examples, ${modelShape.join(', ')}]`);
  }
}

export interface PredictOptions {
  /** Examples per chunk (default 256). */
  batchSize?: number;
}

/**
 * The model's outputs for a batch of inputs (evaluation mode, no gradients), in chunks of
 * `batchSize` (a number, or `{ batchSize }`). Outputs that are not finite are an error naming the
 * example and the layer that made them, never NaN predictions.
 */
export function predict(model: Module, x: Tensor, options: number | PredictOptions = 256): Tensor {
  checkModel('predict', model, ['apply', 'eval']);
  checkPredictInput(model, x);
  const batchSize = checkPredictOptions(options);
  checkInputShape('predict', model, x.shape.slice(1), 'x');
  model.eval();
  const chunk = (input: Tensor, start: number): Tensor => {
    checkInputs('predict', input, (row) => start + row);
    const output = model.apply(input);
    checkOutputs('predict', model, input, output, start);
    return output;
  };
  // tidy: the chunks' outputs (and their intermediates) are freed once concatenated
  return tidy(() => noGrad(() => {
    const n = x.shape[0];
    if (n <= batchSize) return chunk(x, 0);
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) parts.push(chunk(slice(x, [start], [Math.min(batchSize, n - start)]), start));
    return concat(parts, 0);
  }));
}

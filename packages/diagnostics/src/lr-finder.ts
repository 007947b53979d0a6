// The learning-rate range test (Leslie Smith, 2015; fastai's lr_find): train for a few steps while
// the learning rate grows exponentially from `start` to `end`, smooth the loss, stop once it
// diverges, and read a good learning rate off the curve. The model's weights (and buffers) are
// restored afterwards, so it can run before real training.
//
// Smoothing: divergence is detected during the sweep with a causal exponential moving average
// (β = 0.9 by default: a window of ~10 steps). The curve the suggestion is read from is smoothed
// afterwards with a centred moving average instead, which has no lag: fastai's EMA with β = 0.98
// lags ~50 steps on a 100-step sweep — four decades of learning rate at ~12 steps per decade —
// and moves the minimum to rates that already diverge.
import { DataLoader, type Batch, type Dataset, type Example } from '@keel/data';
import type { Module } from '@keel/layers';
import { applyStep, type Params } from '@keel/optimizers';
import { defaultRegistry, type Registry } from '@keel/registry';
import { noGrad, zerosLike, type Tensor } from '@keel/tensor';
import { installTrain, resolveLoss, resolveOptimizer, type LossArg, type OptimizerArg } from '@keel/train';
import { firstNonFinite } from './stats.js';
import { restoreWeights, snapshotWeights } from './trace.js';

export interface LrFinderOptions {
  readonly loss: LossArg;
  /** An optimizer id or config (its own `lr` is ignored: the sweep sets it). Default 'sgd'. */
  readonly optimizer?: OptimizerArg;
  /** First learning rate (default 1e-6). */
  readonly start?: number;
  /** Last learning rate (default 10). */
  readonly end?: number;
  /** Steps of the sweep, one batch each (default 100). */
  readonly steps?: number;
  readonly batchSize?: number;
  /** The factor of the causal EMA that detects divergence (default 0.9), bias-corrected. */
  readonly smoothing?: number;
  /** Stop when the smoothed loss exceeds this many times its minimum (default 4). */
  readonly divergence?: number;
  /** Seeds the batch order (default 0). */
  readonly seed?: number;
  readonly registry?: Registry;
}

export interface LrFinderResult {
  /** The learning rate of each step taken. */
  readonly lrs: number[];
  /** The raw loss of each step (null where it was not finite). */
  readonly losses: (number | null)[];
  /** The loss smoothed by a centred moving average (what the suggestion is read from; null where not finite). */
  readonly smoothed: (number | null)[];
  /**
   * The suggested learning rate: the rate at the minimum of the smoothed loss divided by 10 (the
   * "min-loss/10" rule). It is the more robust of the two classic readings: the point of steepest
   * descent moves with noise on short sweeps, while the minimum is where the loss stops improving,
   * and a tenth of it is safely inside the stable region. When the loss never turned up (the
   * minimum is at the very end of a sweep that did not diverge), the minimum says nothing and the
   * steepest-descent rate is suggested instead (`method: 'steepest'`).
   */
  readonly suggested: number | undefined;
  readonly method: 'min-loss/10' | 'steepest';
  /** The learning rate where the smoothed loss falls fastest (per log-lr), before its minimum. */
  readonly steepest: number | undefined;
  /** Where the smoothed loss was lowest. */
  readonly minimum: { readonly lr: number; readonly loss: number } | undefined;
  /** Why there is no suggestion, when there is none (e.g. the loss did not respond to the learning rate at all). */
  readonly note?: string;
  /** True when the sweep stopped because the loss diverged (or became non-finite) before `end`. */
  readonly stoppedEarly: boolean;
  readonly optimizer: string;
}

/**
 * Runs the LR range test on `model` and `data` and suggests a learning rate. The weights and
 * buffers are restored afterwards (even when it throws).
 *
 * ```ts
 * const { suggested, lrs, smoothed } = await lrFinder(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: 'sgd' });
 * ```
 */
export function lrFinder(model: Module, data: Dataset<Example>, options: LrFinderOptions): Promise<LrFinderResult> {
  return Promise.resolve().then(() => lrFinderSync(model, data, options));
}

/** `lrFinder`, synchronously. */
export function lrFinderSync(model: Module, data: Dataset<Example>, options: LrFinderOptions): LrFinderResult {
  const registry = options.registry ?? (model as { registry?: Registry }).registry ?? defaultRegistry;
  installTrain(registry);
  const start = options.start ?? 1e-6;
  const end = options.end ?? 10;
  const steps = Math.max(2, Math.floor(options.steps ?? 100));
  const beta = options.smoothing ?? 0.9;
  const divergence = options.divergence ?? 4;
  if (!(start > 0 && end > start)) throw new RangeError(`lrFinder: need 0 < start < end, got start ${start}, end ${end}`);
  const optimizerArg = options.optimizer ?? 'sgd';
  if (typeof optimizerArg === 'object' && 'init' in optimizerArg) {
    throw new TypeError("lrFinder: give the optimizer by id or config ({ id: 'sgd', momentum: 0.9 }) so the sweep can set its learning rate");
  }
  const loss = resolveLoss(registry, options.loss);
  let lr = start;
  const optimizer = resolveOptimizer(registry, optimizerArg, () => lr);
  const loader = new DataLoader(data, { batchSize: Math.min(options.batchSize ?? 64, data.length), shuffle: true, seed: options.seed ?? 0 });
  const unbuilt = model as { built?: boolean; build?: (shape: readonly number[]) => unknown };
  if (unbuilt.built === false && typeof unbuilt.build === 'function') unbuilt.build(loader.featureShape);
  const params = model.parameters();
  const buffers = model.buffers();
  const savedParams = snapshotWeights(params);
  const savedBuffers = snapshotWeights(buffers);
  const paramRecord: Params = Object.fromEntries(params);
  const wasTraining = (model as { training?: boolean }).training !== false;
  const lrs: number[] = [];
  const losses: (number | null)[] = [];
  let stoppedEarly = false;
  let average = 0;
  let best = Infinity;
  try {
    let state = optimizer.transformation.init(paramRecord);
    model.train();
    let epoch = 0;
    let batches = loader.epoch(epoch);
    for (let i = 0; i < steps; i++) {
      let next: IteratorResult<Batch> = batches.next();
      if (next.done === true) {
        batches = loader.epoch(++epoch);
        next = batches.next();
      }
      if (next.done === true) break;
      const batch: Batch = next.value;
      lr = start * (end / start) ** (i / (steps - 1));
      for (const p of params.values()) p.zeroGrad();
      const value = loss.fn(model.apply(batch.x), batch.y);
      const current = value.item();
      lrs.push(lr);
      if (!Number.isFinite(current)) {
        losses.push(null);
        stoppedEarly = true;
        break;
      }
      average = beta * average + (1 - beta) * current;
      const smooth = average / (1 - beta ** (i + 1));
      losses.push(current);
      if (smooth < best) best = smooth;
      if (i >= 5 && smooth > divergence * best) {
        stoppedEarly = true;
        break;
      }
      value.backward();
      const grads: Record<string, Tensor> = {};
      let bad = false;
      for (const [name, p] of params) {
        if (p.grad !== null && firstNonFinite(p.grad.values) >= 0) bad = true;
        grads[name] = p.grad ?? noGrad(() => zerosLike(p));
      }
      if (bad) {
        stoppedEarly = true;
        break;
      }
      state = applyStep(optimizer.transformation, grads, state, paramRecord);
    }
  } finally {
    restoreWeights(params, savedParams);
    restoreWeights(buffers, savedBuffers);
    for (const p of params.values()) p.zeroGrad();
    if (wasTraining) model.train();
    else model.eval();
  }
  const smoothed = centredAverage(losses, Math.max(2, Math.round(steps / 40)));
  return { lrs, losses, smoothed, ...suggest(lrs, smoothed), stoppedEarly, optimizer: optimizer.id ?? 'custom' };
}

/** The mean of the finite values within `half` steps either side (null where there are none). */
export function centredAverage(values: readonly (number | null)[], half: number): (number | null)[] {
  return values.map((_, i) => {
    let sum = 0;
    let count = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(values.length - 1, i + half); j++) {
      const v = values[j];
      if (v !== null && Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    return values[i] === null || count === 0 ? null : sum / count;
  });
}

/** Reads the suggestions off a smoothed curve. */
export function suggest(lrs: readonly number[], smoothed: readonly (number | null)[]): Pick<LrFinderResult, 'suggested' | 'steepest' | 'minimum' | 'note' | 'method'> {
  let minIndex = -1;
  let maxValue = -Infinity;
  for (let i = 0; i < smoothed.length; i++) {
    const v = smoothed[i];
    if (v !== null && (minIndex < 0 || v < smoothed[minIndex]!)) minIndex = i;
    if (v !== null && v > maxValue) maxValue = v;
  }
  if (minIndex < 0) return { suggested: undefined, steepest: undefined, minimum: undefined, method: 'min-loss/10', note: 'the loss was not finite from the first step' };
  const minValue = smoothed[minIndex]!;
  if ((maxValue - minValue) / Math.max(Math.abs(maxValue), 1e-12) < 0.02) {
    return {
      suggested: undefined,
      steepest: undefined,
      minimum: { lr: lrs[minIndex], loss: minValue },
      method: 'min-loss/10',
      note: 'the loss did not respond to the learning rate (dead or saturated units, or no gradient): fix the model first',
    };
  }
  let steepest: number | undefined;
  let slopeMin = Infinity;
  for (let i = 1; i < minIndex; i++) {
    const a = smoothed[i - 1];
    const b = smoothed[i + 1];
    if (a === null || b === null) continue;
    const slope = (b - a) / (Math.log(lrs[i + 1]) - Math.log(lrs[i - 1]));
    if (slope < slopeMin) {
      slopeMin = slope;
      steepest = lrs[i];
    }
  }
  const minimum = { lr: lrs[minIndex], loss: minValue };
  // A minimum in the last few steps of a sweep that never diverged is just where the sweep ended,
  // not where the loss turns up: then steepest descent is the better reading.
  const turnedUp = minIndex < smoothed.length - Math.max(2, Math.ceil(0.05 * smoothed.length));
  if (!turnedUp && steepest !== undefined) return { suggested: steepest, steepest, minimum, method: 'steepest' };
  return { suggested: lrs[minIndex] / 10, steepest, minimum, method: 'min-loss/10' };
}

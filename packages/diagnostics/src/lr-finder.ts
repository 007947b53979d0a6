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
import { fmt } from './format.js';
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
   * and a tenth of it is safely inside the stable region. It is always a rate inside the sweep
   * ([start, end]); there is no suggestion (and `note` says why and what to change) when the curve
   * cannot support one: the loss never fell meaningfully, its minimum is at the first or last rate
   * of the sweep, or a tenth of the minimum's rate lies below `start`.
   */
  readonly suggested: number | undefined;
  readonly method: 'min-loss/10';
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
      state = applyStep(optimizer.transformation, grads, state, paramRecord, undefined, optimizer.label);
    }
  } finally {
    restoreWeights(params, savedParams);
    restoreWeights(buffers, savedBuffers);
    for (const p of params.values()) p.zeroGrad();
    if (wasTraining) model.train();
    else model.eval();
  }
  const smoothed = centredAverage(losses, Math.max(2, Math.round(steps / 40)));
  return { lrs, losses, smoothed, ...suggest(lrs, smoothed, stoppedEarly), stoppedEarly, optimizer: optimizer.id ?? 'custom' };
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

/**
 * The loss must fall at least this fraction of its starting (smoothed) value before a minimum
 * means anything: a smaller dip is noise, or a sweep too short to see training start.
 */
export const MIN_RELATIVE_DROP = 0.05;

/**
 * Reads the suggestion off a smoothed curve: a tenth of the rate at its minimum — only when the
 * curve shows one (the loss fell, then turned up or diverged, inside the sweep) and that tenth is
 * a rate the sweep covered. Otherwise no suggestion, and a note saying why and what to change.
 * `stoppedEarly`: the sweep stopped at a divergence (so a minimum just before it did turn up).
 */
export function suggest(lrs: readonly number[], smoothed: readonly (number | null)[], stoppedEarly = false): Pick<LrFinderResult, 'suggested' | 'steepest' | 'minimum' | 'note' | 'method'> {
  const method = 'min-loss/10' as const;
  let minIndex = -1;
  let firstIndex = -1;
  let maxValue = -Infinity;
  for (let i = 0; i < smoothed.length; i++) {
    const v = smoothed[i];
    if (v === null) continue;
    if (firstIndex < 0) firstIndex = i;
    if (minIndex < 0 || v < smoothed[minIndex]!) minIndex = i;
    if (v > maxValue) maxValue = v;
  }
  if (minIndex < 0) return { suggested: undefined, steepest: undefined, minimum: undefined, method, note: 'the loss was not finite from the first step' };
  const minValue = smoothed[minIndex]!;
  const minimum = { lr: lrs[minIndex], loss: minValue };
  if ((maxValue - minValue) / Math.max(Math.abs(maxValue), 1e-12) < 0.02) {
    return { suggested: undefined, steepest: undefined, minimum, method, note: 'the loss did not respond to the learning rate (dead or saturated units, or no gradient): fix the model first' };
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
  const none = (note: string): Pick<LrFinderResult, 'suggested' | 'steepest' | 'minimum' | 'note' | 'method'> => ({ suggested: undefined, steepest, minimum, method, note });
  const start = lrs[0];
  const end = lrs[lrs.length - 1];
  const startLoss = smoothed[firstIndex]!;
  const drop = (startLoss - minValue) / Math.max(Math.abs(startLoss), 1e-12);
  const longer = `steps ${Math.max(100, Math.ceil((2 * lrs.length) / 50) * 50)}`;
  // The lowest loss at the first rate: it never fell below where it started.
  if (minIndex === firstIndex || drop < MIN_RELATIVE_DROP) {
    const what =
      minIndex === firstIndex
        ? `the loss never fell below its value at the first rate (${fmt(start)}): its minimum is at the start of the sweep`
        : `the loss fell only ${(100 * drop).toFixed(1)}% (from ${fmt(startLoss)} to ${fmt(minValue)} at lr ${fmt(minimum.lr)})`;
    return none(`${what}, so the sweep shows no rate where it trains; sweep again with more steps (${longer}), or a lower start (start ${fmt(start / 100)}) if the loss rose from the first rates on`);
  }
  // The lowest loss in the last steps of a sweep that never diverged: still falling at `end`.
  const tail = Math.max(2, Math.ceil(0.05 * smoothed.length));
  if (!stoppedEarly && minIndex >= smoothed.length - tail) {
    const at = minIndex === smoothed.length - 1 ? `at the last rate (${fmt(end)})` : `at lr ${fmt(minimum.lr)}, among the last rates before the end (${fmt(end)})`;
    return none(`the lowest loss is ${at} of a sweep that never diverged: where the loss turns up lies beyond the sweep, so its minimum says nothing; sweep again with a higher end (end ${fmt(end * 100)})`);
  }
  const suggested = minimum.lr / 10;
  if (suggested < start) {
    return none(`the lowest loss is at lr ${fmt(minimum.lr)}, less than a decade above the first rate (${fmt(start)}): a tenth of it (${fmt(suggested)}) was never tried; sweep again with a lower start (start ${fmt(suggested / 10)})`);
  }
  return { suggested, steepest, minimum, method };
}

import type { Dataset, Example } from '@keel/data';
import type { Module } from '@keel/layers';
import { applyStep, checkState, OptStateError, type OptState, type Params } from '@keel/optimizers';
import { defaultRegistry, type Registry } from '@keel/registry';
import { noGrad, openAllocationScope, zerosLike, type Tensor } from '@keel/tensor';
import type { Logs, TrainingState } from './callbacks/callback.js';
import { resolveCallbacks } from './callbacks/resolve-callbacks.js';
import { loaderFor } from './data-loader.js';
import { evaluateWith } from './evaluate.js';
import { checkInitialParameters, checkOptimizerState, checkParameters, checkStep } from './guard.js';
import { History } from './history.js';
import { resolveMetric, type Metric, type MetricId } from './metrics/index.js';
import { checkInputShape } from './input-shape.js';
import { checkModel } from './model-argument.js';
import { checkBatchSize, checkDataset, checkEpochs, checkFitOptions, checkLearningRate, type FitOptions } from './options.js';
import { installTrain } from './plugin.js';
import { resolveLoss, resolveOptimizer } from './resolve.js';
import { checkStateSavable } from './save/state.js';

const YIELD_EVERY = 16;

function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate !== undefined ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** State from elsewhere (a file, another run) must have the structure `fresh`, what the optimizer makes for this model. */
function checkResumedState(given: unknown, id: string | undefined, fresh: OptState): void {
  try {
    checkState(given, fresh);
  } catch (error) {
    if (!(error instanceof OptStateError)) throw error;
    throw new OptStateError(error.path, `fit: the optimizerState passed in is not ${id ?? 'this optimizer'}'s state for this model: ${error.message}`);
  }
}

/** What `fit` returns: the history, and the optimizer state to resume from. */
export interface FitResult {
  readonly history: History;
  readonly optimizerState: OptState;
  /** Optimizer steps taken in this call. */
  readonly steps: number;
  readonly seconds: number;
}

function registryOf(model: Module, options: FitOptions): Registry {
  const registry = options.registry ?? (model as { registry?: Registry }).registry ?? defaultRegistry;
  installTrain(registry);
  return registry;
}

function defaultMetrics(expects: string, targets: string | undefined): MetricId[] {
  return targets === 'index' || targets === 'oneHot' || targets === 'binary' || expects !== 'real' ? ['accuracy'] : [];
}

/**
 * Trains `model` on `data`: each epoch shuffles (seeded), steps the optimizer on every
 * mini-batch with the loss averaged over the batch, guards against NaN/Inf, evaluates on
 * `validation`, and runs callbacks. The same seeds give the same weights, bit for bit.
 */
export async function fit(model: Module, data: Dataset<Example>, options: FitOptions): Promise<FitResult> {
  // Every argument is checked before anything runs: a bad value is an error, never 0 steps.
  checkModel('fit', model, ['apply', 'parameters', 'train', 'eval']);
  checkFitOptions(options);
  const registry = registryOf(model, options);
  checkDataset('fit', 'the training data', data);
  if (options.validation !== undefined) checkDataset('fit', 'validation', options.validation);
  const { epochs, initialEpoch } = checkEpochs(options);
  const batchSize = checkBatchSize('fit', options.batchSize, 32);
  const loader = loaderFor('fit', 'the training data', model, data, { batchSize, shuffle: options.shuffle ?? true, seed: options.seed ?? 0 });
  checkInputShape('fit', model, loader.featureShape, 'the training data');
  const loss = resolveLoss(registry, options.loss);
  const metricContext = { predictions: loss.expects };
  const metrics: Metric[] = (options.metrics ?? defaultMetrics(loss.expects, loss.targets)).map((m, i) => resolveMetric(registry, m, metricContext, `fit: metrics[${i}]`));
  const callbacks = resolveCallbacks(registry, options.callbacks ?? []);
  const history = new History();
  const state: TrainingState = {
    model,
    epochs,
    stepsPerEpoch: loader.length,
    samplesPerEpoch: data.length,
    epoch: initialEpoch,
    // A resumed run continues the step count, so schedules and checkpoints pick up where they left off.
    step: initialEpoch * loader.length,
    learningRate: 0,
    learningRateScale: 1,
    learningRateOverride: undefined,
    stopTraining: false,
    history,
    optimizer: { id: undefined, config: {}, state: undefined },
    seed: options.seed ?? 0,
  };
  const optimizer = resolveOptimizer(registry, options.optimizer, () => state.learningRate);
  const nextLearningRate = (batch: number): number => {
    const at = `step ${state.step} (epoch ${state.epoch + 1}, batch ${batch + 1})`;
    if (state.learningRateOverride !== undefined) return checkLearningRate(state.learningRateOverride(state.epoch, state.step), 'callback', at);
    // a ready GradientTransformation carries its own rate, which fit does not see
    if (optimizer.baseSchedule === undefined) return 0;
    return checkLearningRate(state.learningRateScale * optimizer.baseSchedule(state.step), 'schedule', at);
  };
  // A model that has not seen data yet gets its weights now, from the data's example shape (the
  // declared inputShape, if any, was checked to be the same above).
  const unbuilt = model as { built?: boolean; build?: (shape: readonly number[]) => unknown };
  if (unbuilt.built === false && typeof unbuilt.build === 'function') unbuilt.build(loader.featureShape);
  const params = model.parameters();
  const paramRecord: Params = Object.fromEntries(params);
  if (options.optimizerState !== undefined) checkResumedState(options.optimizerState, optimizer.id, optimizer.transformation.init(paramRecord));
  let optState = (options.optimizerState as OptState | undefined) ?? optimizer.transformation.init(paramRecord);
  // a state that cannot be saved (a function, a bigint) is named now, not at the first save an epoch later
  if (options.optimizerState === undefined) checkStateSavable(optState, optimizer.label, 'init()');
  // State fit made (not the caller's): each step's scope releases what the next state no longer holds.
  let ownState = options.optimizerState === undefined;
  state.optimizer = { id: optimizer.id, config: optimizer.config, state: optState };
  const guard = options.guard !== false;
  if (guard) {
    // A resumed run starts from saved weights and state: broken ones stop it before the first step.
    checkInitialParameters(params, state.step, initialEpoch);
    checkOptimizerState(optState, `before step ${state.step}, the optimizer state passed to fit (optimizerState)`, state.step, initialEpoch);
  }
  const started = performance.now();
  let steps = 0;
  // a function, not a narrowed property: callbacks and Ctrl-C abort the signal while fit awaits
  const aborted = (): boolean => options.signal?.aborted === true;

  model.train();
  for (const cb of callbacks) await cb.onTrainBegin?.(state);
  for (let epoch = initialEpoch; epoch < epochs && !state.stopTraining; epoch++) {
    // aborted before fit was called: no epoch begins
    if (aborted()) break;
    state.epoch = epoch;
    const epochStart = performance.now();
    for (const m of metrics) m.reset();
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, state);
    let lossSum = 0;
    let seen = 0;
    let batchIndex = 0;
    for (const batch of loader.epoch(epoch)) {
      // Checked before each step, not only after: a signal aborted before fit (or by onEpochBegin) takes no step.
      if (aborted()) {
        batch.x.dispose();
        batch.y.dispose();
        break;
      }
      state.learningRate = nextLearningRate(batchIndex);
      // The step's intermediates are freed when it is over (not when the GC gets to them), so a
      // backend with its own memory reuses the same blocks every step. Kept: the new optimizer
      // state; released with the step: the previous state, once it is fit's own.
      const scope = openAllocationScope();
      if (ownState) scope.adopt(optState, paramRecord);
      try {
        for (const p of params.values()) p.zeroGrad();
        const output = model.apply(batch.x);
        const value = loss.fn(output, batch.y);
        value.backward();
        const grads = new Map<string, Tensor | null>([...params].map(([name, p]) => [name, p.grad]));
        if (guard) checkStep(value, grads, state.step, epoch, batchIndex, { batch: { x: batch.x, y: batch.y }, learningRate: state.learningRate });
        // A parameter the loss does not reach gets a zero gradient (not its own value).
        const gradRecord: Params = Object.fromEntries([...grads].map(([name, g]) => [name, g ?? zerosLike(params.get(name)!)]));
        // the optimizer's fused step where it has one: new parameter values in one pass each
        optState = applyStep(optimizer.transformation, gradRecord, optState, paramRecord, undefined, optimizer.label);
        if (steps === 0) checkStateSavable(optState, optimizer.label, optimizer.transformation.step === undefined ? 'update()' : 'step()');
        state.optimizer.state = optState;
        if (guard) {
          checkParameters(params, state.step, epoch, batchIndex, state.learningRate);
          checkOptimizerState(optState, `after the optimizer update of step ${state.step} (epoch ${epoch + 1}, batch ${batchIndex + 1})`, state.step, epoch, batchIndex);
        }
        const batchLoss = value.item();
        noGrad(() => {
          for (const m of metrics) m.update(output, batch.y);
        });
        lossSum += batchLoss * batch.size;
        seen += batch.size;
        state.step++;
        steps++;
        const logs: Logs = { loss: batchLoss, size: batch.size, lr: state.learningRate };
        // Callbacks may read this step's gradients and activations; what they allocate is theirs.
        scope.paused = true;
        for (const cb of callbacks) await cb.onBatchEnd?.(batchIndex, logs, state);
      } catch (error) {
        // Nothing is freed, the batch included: an error handler may still read this step's
        // tensors (NumericsError.batch; the doctor re-runs the step op by op).
        scope.abandon();
        throw error;
      }
      scope.close(optState);
      ownState = true;
      // the gradients were freed with the step; the batch is the loader's, made for this step only
      for (const p of params.values()) p.zeroGrad();
      batch.x.dispose();
      batch.y.dispose();
      batchIndex++;
      // Let the event loop turn now and then: Ctrl-C and UI events are seen promptly, and backends
      // that free memory through FinalizationRegistry (wasm) get to run their cleanup.
      if (batchIndex % YIELD_EVERY === 0) await yieldToEventLoop();
      if (state.stopTraining || aborted()) break;
    }
    // An epoch cut short by the signal is not an epoch: no logs, no checkpoint of half-trained weights.
    if (aborted()) break;
    const logs: Logs = { loss: lossSum / Math.max(seen, 1) };
    for (const m of metrics) {
      const result = m.result();
      if (typeof result === 'number') logs[m.name] = result;
    }
    if (options.validation !== undefined) {
      const val = evaluateWith(model, options.validation, loss, metrics, batchSize, 'fit (validation)');
      for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
      model.train();
    }
    logs.lr = state.learningRate;
    logs.seconds = (performance.now() - epochStart) / 1000;
    history.record({ epoch: epoch + 1, ...logs });
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, state);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(state);
  model.eval();
  return { history, optimizerState: optState, steps, seconds: (performance.now() - started) / 1000 };
}

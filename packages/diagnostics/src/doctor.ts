// The doctor: a `fit` callback cheap enough to leave on. Every step it reads the loss (one number)
// and copies the weights (one memcpy, so a failing step can be replayed from the weights it
// started with); every `every` steps it also reads what the step already computed — the gradients
// on `param.grad`, the weights before and after the update, and each layer's pre-activations and
// outputs, captured by reference through `engine.hooks` during the step's own forward pass. Nothing
// is recomputed while training is healthy.
import type { Module } from '@keel/layers';
import type { LossFn } from '@keel/losses';
import { defaultRegistry, pluginLabel, type Registry } from '@keel/registry';
import type { Tensor } from '@keel/tensor';
import { installTrain, resolveOptimizer, type Callback, type Logs, type OptimizerArg, type TrainingState } from '@keel/train';
import { outputSpread, rms, unitActivity } from './activity.js';
import { ForwardCapture, removeHook } from './capture.js';
import { finding, mergeFindings, sortFindings, type Finding, type FindingInput } from './findings.js';
import { fmt, pct, roundLr, times } from './format.js';
import { kernelMoments } from './init-moments.js';
import { recommendedStd } from './lint.js';
import { initializerLabel, isOneSided, isTwoSided, layersOf, outputLayer, unitName, type LayerView } from './model-info.js';
import { l2, l2Diff, median, valueStats } from './stats.js';
import { NonFiniteWatch, snapshotWeights, traceStep, type TraceResult, type WeightSnapshot } from './trace.js';
import { traceUpdate, updateFinding, type UpdateTraceResult } from './update-trace.js';

/** How the doctor can rebuild the batch of a given step, to replay it in trace mode. */
export interface ReplaySource {
  /** The batch fit used at `batchIndex` of `epoch`, and (when known) the data-set index of each of its examples. */
  readonly batchAt: (epoch: number, batchIndex: number) => { x: Tensor; y: Tensor; indices?: ArrayLike<number> };
  /** The loss function fit uses. */
  readonly loss: LossFn;
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
}

export interface DoctorOptions {
  /** Sample gradients, update ratios and activations every `every` steps (default 10; the loss is read every step). */
  readonly every?: number;
  /** A unit counts as dead when it has not fired for this many steps (default 100, and at least 3 samples). */
  readonly deadWindow?: number;
  /** Fraction of dead units in a layer that makes a finding (default 0.5). */
  readonly deadThreshold?: number;
  /** Fraction of saturated pre-activations that makes a finding (default 0.5). */
  readonly saturationThreshold?: number;
  /** A gradient norm this many times its running median is an explosion (default 10). */
  readonly explodeFactor?: number;
  /** ‖Δw‖/‖w‖ above which updates are too large when sustained (default 0.3); 1e-3 is typical of healthy training. */
  readonly updateRatioHigh?: number;
  /**
   * ‖Δw‖/‖w‖ below which updates are too small when sustained while the loss improves slowly
   * (default 1e-4; healthy MNIST runs measure 1e-3 to 2e-2).
   */
  readonly updateRatioLow?: number;
  /** Stop training at the first non-finite loss or gradient (default true; only matters with `guard: false`). */
  readonly stopOnNonFinite?: boolean;
  /**
   * How the op that produced a NaN/Inf is found: 'replay' (default) re-runs the failing step op by op
   * when a `replay` source is known (diagnoseFit and probe give one); 'live' checks every op's output
   * during training (slower, needs no replay source); 'off'.
   */
  readonly trace?: 'replay' | 'live' | 'off';
  readonly replay?: ReplaySource;
  /**
   * The optimizer training uses, so a NaN its update makes (the loss and gradients finite) can be
   * re-run op by op and blamed on the op — or on the learning rate only when the values overflow.
   * diagnoseFit and probe pass it; as a fit callback the doctor reads its id and config from the
   * training state (a GradientTransformation object has to be given here).
   */
  readonly optimizer?: OptimizerArg;
  /** Called with each new finding as it is made (a CLI prints them live). */
  readonly onFinding?: (finding: Finding) => void;
  /** Where initializers are looked up for the recommended scales (default: the model's registry). */
  readonly registry?: Registry;
  /** The loss of uninformed predictions (ln K), so a loss stuck there can be called what it is; diagnoseFit fills it from the lints. */
  readonly expectedInitialLoss?: number;
}

/** One sample of a layer's health, for plots. */
export interface LayerSample {
  readonly step: number;
  readonly outputRms: number | null;
  readonly preActivationRms: number | null;
  readonly deadFraction: number | null;
  readonly saturatedFraction: number | null;
  readonly gradNorm: number | null;
  readonly weightNorm: number | null;
  readonly updateRatio: number | null;
}

/** One sample of a parameter's gradient and update, for plots. */
export interface ParameterSample {
  readonly step: number;
  readonly gradNorm: number | null;
  readonly weightNorm: number | null;
  /** ‖Δw‖/‖w‖ of this step's update. */
  readonly updateRatio: number | null;
}

/** Time series of a run, JSON-safe (non-finite numbers are null). */
export interface Series {
  /** Every step's loss (thinned to at most ~4,000 points on long runs: `lossStride` steps apart). */
  readonly loss: (number | null)[];
  readonly lossStride: number;
  readonly samples: {
    readonly step: number;
    readonly loss: number | null;
    readonly lr: number | null;
    readonly gradNorm: number | null;
    readonly updateRatio: number | null;
  }[];
  readonly layers: Record<string, LayerSample[]>;
  /** Per parameter ('dense_1/kernel', 'dense_1/bias', ...). */
  readonly parameters: Record<string, ParameterSample[]>;
}

/** What the doctor knows about one layer's initial weights. */
interface LayerInit {
  /** √E[w²] of the initial kernel (the scale that matters, mean included). */
  readonly rms: number;
  readonly recommendedStd: number;
}

interface NonFiniteEvent {
  readonly step: number;
  readonly epoch: number;
  readonly batchIndex: number;
  /** 'loss' or the parameter whose gradient was non-finite. */
  readonly where: string;
  /** Whether the model's weights are still those from before the failing step (the guard threw before the update). */
  readonly weightsArePreStep: boolean;
  readonly message?: string;
  /** The guard's NumericsError phase: 'update' (a parameter after the update), 'state' (optimizer state), 'weights' (before training); else a gradient or the loss. */
  readonly phase?: string;
}

/** Keel's activations whose exp never sees an unbounded argument. */
const BUILTIN_SAFE = new Set(['sigmoid', 'softmax', 'logSoftmax', 'softplus', 'elu', 'selu', 'swish', 'silu', 'mish', 'gelu', 'tanh']);

const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** The `fit` callback that watches training's health. Create it with `doctor(options)`. */
export class Doctor implements Callback {
  readonly name = 'doctor';
  readonly options: DoctorOptions;
  private every: number;
  private model: Module | undefined;
  private layers: LayerView[] = [];
  private params = new Map<string, Tensor>();
  private kernels = new Set<string>();
  private outLayer: LayerView | undefined;
  private capture: ForwardCapture | undefined;
  private live: NonFiniteWatch | undefined;
  private liveStep = 0;
  private ring: [WeightSnapshot, WeightSnapshot] = [new Map<string, Float32Array | Float64Array>(), new Map<string, Float32Array | Float64Array>()];
  private ringStep: [number, number] = [-1, -1];
  private found = new Map<string, Finding>();
  private readonly lossValues: (number | null)[] = [];
  private lossStride = 1;
  private lossCounter = 0;
  private readonly samples: Series['samples'][number][] = [];
  private readonly layerSeries: Record<string, LayerSample[]> = {};
  private readonly paramSeries: Record<string, ParameterSample[]> = {};
  private gradNorms: number[] = [];
  private readonly layerGradNorms = new Map<string, number[]>();
  private lastFired = new Map<string, Int32Array>();
  private firstSampleStep = -1;
  private sampleCount = 0;
  private saturation = new Map<string, number[]>();
  private constantStreak = 0;
  private readonly recentOutputs: { values: Float64Array; units: number; input: Float64Array }[] = [];
  private vanishingStreak = 0;
  private highRatioStreak = 0;
  private lowRatioStreak = 0;
  private biasStreak = new Map<string, number>();
  private ratios: number[] = [];
  private emaFast = NaN;
  private emaSlow = NaN;
  private emaBest = Infinity;
  private emaStart = NaN;
  private lossSteps = 0;
  private firstLoss = NaN;
  private lastLoss = NaN;
  private lastGradNorm = NaN;
  private readonly currentDead = new Map<string, number>();
  private lr = NaN;
  private optimizerId: string | undefined;
  private optimizerConfig: Readonly<Record<string, unknown>> = {};
  private init = new Map<string, LayerInit>();
  private stepsPerEpoch = 0;
  private nonFinite: NonFiniteEvent | undefined;
  /** The trace of the first non-finite value, once found. */
  trace: TraceResult | undefined;
  /** The re-run of the optimizer's update, when the first non-finite value came from it (phase 'update' or 'state'). */
  updateTrace: UpdateTraceResult | undefined;
  private updateOptimizer: { readonly label: string; readonly id?: string; readonly plugin?: string } | undefined;
  /** Steps monitored so far. */
  steps = 0;
  private startStep = 0;

  constructor(options: DoctorOptions = {}) {
    this.options = options;
    this.every = Math.max(1, Math.floor(options.every ?? 10));
  }

  // ---------------------------------------------------------------------------------------------
  // Callback hooks
  // ---------------------------------------------------------------------------------------------

  onTrainBegin(state: TrainingState): void {
    this.attachModel(state.model);
    this.stepsPerEpoch = state.stepsPerEpoch;
    if (this.options.every === undefined) {
      // A sample costs about params + batch × units, a step about batch × params: with big batches
      // sampling every step is as cheap as every 10th with batches of 64.
      const batch = Math.ceil(state.samplesPerEpoch / Math.max(1, state.stepsPerEpoch));
      this.every = Math.min(10, Math.max(1, Math.round(640 / Math.max(1, batch))));
    }
    this.startStep = state.step;
    this.epochStart = state.epoch;
    this.optimizerId = state.optimizer.id;
    this.optimizerConfig = state.optimizer.config;
    this.takeSnapshot(state.step);
    if (this.options.trace === 'live') this.armLive(state.step);
    if (this.isSampled(state.step)) this.capture?.attach();
  }

  onEpochBegin(_epoch: number, state: TrainingState): void {
    this.lr = state.learningRate;
  }

  onBatchEnd(batch: number, logs: Logs, state: TrainingState): void {
    const step = state.step - 1;
    this.steps++;
    this.lr = logs.lr ?? state.learningRate;
    this.optimizerId = state.optimizer.id;
    const loss = logs.loss;
    this.recordLoss(loss, step);
    if (!Number.isFinite(loss)) {
      this.capture?.detach();
      this.onNonFinite({ step, epoch: state.epoch, batchIndex: batch, where: 'loss', weightsArePreStep: false });
      if (this.options.stopOnNonFinite !== false) state.stopTraining = true;
      return;
    }
    if (this.isSampled(step)) {
      this.sample(step, state, batch);
      this.capture?.detach();
    }
    this.takeSnapshot(step + 1);
    if (this.live !== undefined) this.liveStep = step + 1;
    if (this.isSampled(step + 1) && this.nonFinite === undefined) this.capture?.attach();
  }

  onTrainEnd(_state: TrainingState): void {
    this.finish();
  }

  /** Removes every hook the doctor installed (fit's onTrainEnd does it; call it when fit threw). */
  dispose(): void {
    this.capture?.detach();
    if (this.live !== undefined) removeHook(this.live.hook);
  }

  // ---------------------------------------------------------------------------------------------
  // Results
  // ---------------------------------------------------------------------------------------------

  /** The findings so far, errors first. */
  findings(): Finding[] {
    return sortFindings(mergeFindings([...this.found.values()]));
  }

  /** The time series so far (JSON-safe). */
  series(): Series {
    return {
      loss: [...this.lossValues],
      lossStride: this.lossStride,
      samples: [...this.samples],
      layers: structuredClone(this.layerSeries),
      parameters: structuredClone(this.paramSeries),
    };
  }

  /** The learning rate of the last step seen. */
  get learningRate(): number {
    return this.lr;
  }

  /** Adds a finding made elsewhere (the lints, the LR finder) so causes can refer to it. */
  addFinding(f: Finding): void {
    this.put(f);
  }

  /**
   * Handles an error thrown out of `fit`: a `NumericsError` from the numerics guard becomes a
   * 'nan-produced' finding, traced to its op when a replay source is known (the guard throws
   * before the update, so the model still holds the failing step's starting weights).
   * Returns true when the error was a numerics error.
   */
  handleError(error: unknown): boolean {
    this.dispose();
    const e = error as { name?: unknown; step?: unknown; epoch?: unknown; where?: unknown; message?: unknown; batchIndex?: unknown; learningRate?: unknown };
    if (typeof e !== 'object' || e === null || e.name !== 'NumericsError' || typeof e.step !== 'number') return false;
    if (typeof e.learningRate === 'number') this.lr = e.learningRate;
    const step = e.step;
    const epoch = typeof e.epoch === 'number' ? e.epoch : 0;
    // the guard names the batch; an older NumericsError does not, so count it from the steps seen
    const batchIndex = typeof e.batchIndex === 'number' ? e.batchIndex : this.stepsPerEpoch > 0 ? step - this.startStep - (epoch - this.epochOfStart()) * this.stepsPerEpoch : 0;
    const phase = typeof (e as { phase?: unknown }).phase === 'string' ? (e as { phase: string }).phase : undefined;
    // after an update the model holds the new (broken) weights, not the step's starting ones
    const preStep = phase !== 'update' && phase !== 'state';
    this.onNonFinite({ step, epoch, batchIndex, where: typeof e.where === 'string' ? e.where : 'loss', weightsArePreStep: preStep, message: String(e.message), ...(phase === undefined ? {} : { phase }) });
    this.finish();
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // internals
  // ---------------------------------------------------------------------------------------------

  private epochStart = 0;

  private epochOfStart(): number {
    return this.epochStart;
  }

  /** Binds the doctor to a model (fit does it through onTrainBegin). */
  attachModel(model: Module): void {
    if (this.model === model) return;
    this.model = model;
    this.layers = layersOf(model);
    this.params = model.parameters();
    this.kernels = new Set(this.layers.map((l) => l.kernelName).filter((n): n is string => n !== undefined));
    this.outLayer = outputLayer(this.layers);
    this.capture = new ForwardCapture(this.layers);
    const registry = this.options.registry ?? (model as { registry?: Registry }).registry;
    for (const layer of this.layers) {
      if (layer.kernel === undefined || layer.fanIn === undefined || layer.fanOut === undefined) continue;
      const rmsInit = Math.sqrt(kernelMoments(layer.kernel, layer.kernelSpec, layer.fanIn, layer.fanOut).secondMoment);
      const rec = recommendedStd(registry, layer.activation, layer.kernel, layer.fanIn, layer.fanOut);
      this.init.set(layer.name, { rms: rmsInit, recommendedStd: rec });
      if (isOneSided(layer.activation)) this.lastFired.set(layer.name, new Int32Array(layer.kernel.shape[layer.kernel.rank - 1]).fill(-1));
    }
  }

  private isSampled(step: number): boolean {
    return (step - this.startStep) % this.every === 0;
  }

  private takeSnapshot(preStep: number): void {
    const slot = preStep % 2;
    snapshotWeights(this.params, this.ring[slot]);
    this.ringStep[slot] = preStep;
  }

  private snapshotBefore(step: number): WeightSnapshot | undefined {
    const slot = step % 2;
    return this.ringStep[slot] === step ? this.ring[slot] : undefined;
  }

  private armLive(step: number): void {
    const watch = new NonFiniteWatch(() => {
      this.trace = this.liveTrace(watch);
      // Leave at the next tick: removing a hook while the engine iterates its hooks skips the next one.
      queueMicrotask(() => watch.detach());
    });
    for (const [name, p] of this.params) watch.name(p, name, 'parameter');
    this.live = watch;
    this.liveStep = step;
    watch.attach();
  }

  private liveTrace(watch: NonFiniteWatch): TraceResult {
    const first = watch.first!;
    const parameter = first.inputs.map((t) => watch.nameOf(t)).find((n) => n !== undefined);
    return {
      step: this.liveStep,
      found: true,
      phase: first.phase,
      op: first.op,
      scope: first.scope,
      layer: first.scope === '' ? 'loss' : first.scope,
      ...(parameter !== undefined ? { parameter } : {}),
      ...(watch.firstOutput !== undefined ? { output: watch.firstOutput } : {}),
      inputs: watch.firstInputs,
      nonFiniteGradients: [],
      nonFiniteWeights: [],
      weightAbsMax: {},
      loss: 'NaN',
      opsChecked: watch.ops,
    };
  }

  private put(f: Finding): void {
    const key = `${f.code}|${f.layer ?? ''}|${f.parameter ?? ''}`;
    const isNew = !this.found.has(key);
    this.found.set(key, f);
    if (isNew) this.options.onFinding?.(f);
  }

  private has(code: Finding['code']): boolean {
    for (const f of this.found.values()) if (f.code === code) return true;
    return false;
  }

  private firstOf(code: Finding['code']): Finding | undefined {
    for (const f of this.found.values()) if (f.code === code) return f;
    return undefined;
  }

  /** Records a finding made while monitoring; `unique` keeps one finding of the code for the whole model. */
  private emit(input: Omit<FindingInput, 'source'>, unique = false): void {
    const key = `${input.code}|${input.layer ?? ''}|${input.parameter ?? ''}`;
    let existing = this.found.get(key);
    if (unique) {
      for (const [k, f] of this.found) {
        if (f.code === input.code && k !== key) {
          existing ??= f;
          this.found.delete(k);
        }
      }
    }
    // Keep the step a problem was first seen at; refresh the numbers.
    const step = existing?.step ?? input.step;
    this.put(finding({ ...input, source: 'monitor', ...(step !== undefined ? { step } : {}) }));
  }

  private recordLoss(loss: number, step: number): void {
    this.lossCounter++;
    if (this.lossCounter >= this.lossStride) {
      this.lossCounter = 0;
      this.lossValues.push(finiteOrNull(loss));
      if (this.lossValues.length > 4000) {
        // Thin to every other point and double the stride: bounded memory on long runs.
        const kept = this.lossValues.filter((_, i) => i % 2 === 0);
        this.lossValues.length = 0;
        this.lossValues.push(...kept);
        this.lossStride *= 2;
      }
    }
    this.lastLoss = loss;
    if (!Number.isFinite(loss)) return;
    this.lossSteps++;
    if (this.lossSteps === 1) this.firstLoss = loss;
    this.emaFast = Number.isNaN(this.emaFast) ? loss : 0.9 * this.emaFast + 0.1 * loss;
    this.emaSlow = Number.isNaN(this.emaSlow) ? loss : 0.98 * this.emaSlow + 0.02 * loss;
    if (this.lossSteps === 10) this.emaStart = this.emaFast;
    if (this.lossSteps >= 10) this.emaBest = Math.min(this.emaBest, this.emaFast);
    if (this.lossSteps >= 20 && this.emaFast > 2 * this.emaBest && this.emaFast > 1.5 * this.emaStart && !this.has('loss-diverging')) {
      this.emit({
        code: 'loss-diverging',
        severity: 'error',
        step,
        summary: `the smoothed loss rose to ${fmt(this.emaFast)}, ${times(this.emaFast / this.emaBest)} its best value ${fmt(this.emaBest)}`,
        cause: `the steps overshoot: the learning rate ${fmt(this.lr)} is too high for this model and data${this.has('inputs-not-normalized') ? ', made worse by unnormalised inputs' : ''}`,
        fix: `a learning rate of ${fmt(roundLr(this.lr / 10))} (or run lrFinder), and clipByGlobalNorm if single batches spike`,
        evidence: { loss: this.emaFast, best: this.emaBest, start: this.emaStart, lr: this.lr },
      });
    }
  }

  // --- sampling -----------------------------------------------------------------------------

  private sample(step: number, state: TrainingState, batchIndex: number): void {
    if (this.firstSampleStep < 0) this.firstSampleStep = step;
    this.sampleCount++;
    const before = this.snapshotBefore(step);
    const perParam = new Map<string, { grad: number; weight: number; ratio: number }>();
    let globalSq = 0;
    let gradNonFinite: string | undefined;
    for (const [name, p] of this.params) {
      const g = p.grad === null ? 0 : l2(p.grad.values);
      if (!Number.isFinite(g) && gradNonFinite === undefined) gradNonFinite = name;
      const values = p.values;
      const weight = l2(values);
      const prev = before?.get(name);
      const prevNorm = prev !== undefined ? l2(prev) : NaN;
      const ratio = prev !== undefined && prevNorm > 0 ? l2Diff(values, prev) / prevNorm : NaN;
      perParam.set(name, { grad: g, weight, ratio });
      globalSq += g * g;
    }
    if (gradNonFinite !== undefined) {
      this.onNonFinite({ step, epoch: state.epoch, batchIndex, where: gradNonFinite, weightsArePreStep: false });
      if (this.options.stopOnNonFinite !== false) state.stopTraining = true;
      return;
    }
    const globalNorm = Math.sqrt(globalSq);
    this.lastGradNorm = globalNorm;
    for (const [name, p] of perParam) {
      (this.paramSeries[name] ??= []).push({ step, gradNorm: finiteOrNull(p.grad), weightNorm: finiteOrNull(p.weight), updateRatio: finiteOrNull(p.ratio) });
    }
    const kernelRatios = [...this.kernels].map((k) => perParam.get(k)?.ratio ?? NaN).filter((r) => Number.isFinite(r));
    const updateRatio = median(kernelRatios);

    // per layer
    const activities = new Map<string, ReturnType<typeof unitActivity>>();
    for (const layer of this.layers) {
      const c = this.capture?.captures.get(layer.name);
      const activity = c?.pre !== undefined ? unitActivity(c.pre, layer.activation) : undefined;
      if (activity !== undefined) activities.set(layer.name, activity);
      if (activity !== undefined && Number.isFinite(activity.deadFraction)) this.currentDead.set(layer.name, activity.deadFraction);
      const kp = layer.kernelName !== undefined ? perParam.get(layer.kernelName) : undefined;
      const point: LayerSample = {
        step,
        outputRms: c?.output !== undefined ? finiteOrNull(rms(c.output)) : null,
        preActivationRms: finiteOrNull(activity?.preRms),
        deadFraction: finiteOrNull(activity?.deadFraction),
        saturatedFraction: finiteOrNull(activity?.saturatedFraction),
        gradNorm: finiteOrNull(kp?.grad),
        weightNorm: finiteOrNull(kp?.weight),
        updateRatio: finiteOrNull(kp?.ratio),
      };
      (this.layerSeries[layer.name] ??= []).push(point);
      if (kp !== undefined) {
        let norms = this.layerGradNorms.get(layer.name);
        if (norms === undefined) this.layerGradNorms.set(layer.name, (norms = []));
        norms.push(kp.grad);
        if (norms.length > 50) norms.shift();
      }
    }
    this.samples.push({ step, loss: finiteOrNull(this.lastLoss), lr: finiteOrNull(this.lr), gradNorm: finiteOrNull(globalNorm), updateRatio: finiteOrNull(updateRatio) });
    if (this.samples.length > 4000) this.thinSamples();

    this.checkExploding(step, globalNorm, perParam);
    this.checkVanishing(step, perParam);
    let largest: { layer: string; ratio: number } | undefined;
    for (const layer of this.layers) {
      const r = layer.kernelName !== undefined ? perParam.get(layer.kernelName)?.ratio : undefined;
      if (r !== undefined && Number.isFinite(r) && (largest === undefined || r > largest.ratio)) largest = { layer: layer.name, ratio: r };
    }
    this.checkUpdateRatio(step, updateRatio, largest);
    this.checkDead(step, activities);
    this.checkSaturation(step, activities);
    this.checkConstant(step);
    this.checkBias(step);
    this.gradNorms.push(globalNorm);
    if (this.gradNorms.length > 50) this.gradNorms.shift();
  }

  private thinSamples(): void {
    const keep = (_: unknown, i: number): boolean => i % 2 === 0;
    const kept = this.samples.filter(keep);
    this.samples.length = 0;
    this.samples.push(...kept);
    for (const name of Object.keys(this.layerSeries)) this.layerSeries[name] = this.layerSeries[name].filter(keep);
    for (const name of Object.keys(this.paramSeries)) this.paramSeries[name] = this.paramSeries[name].filter(keep);
  }

  private lrAdvice(factor = 0.1): { text: string; lr: number | undefined } {
    if (!Number.isFinite(this.lr) || this.lr <= 0) return { text: 'a lower learning rate', lr: undefined };
    const lr = roundLr(this.lr * factor);
    const structural = this.structuralCauses();
    const text =
      structural.length > 0
        ? `first fix ${structural.join(' and ')} (see those findings), which inflate every step; with this set-up as it is, lr ${fmt(lr)}`
        : `lr ${fmt(lr)}`;
    return { text, lr };
  }

  /** Lint findings that make every step too large, whatever the learning rate. */
  private structuralCauses(): string[] {
    const causes: string[] = [];
    if (this.has('loss-summed-not-averaged')) causes.push('the summed loss');
    if (this.has('inputs-not-normalized')) causes.push('the unnormalised inputs');
    if (this.has('init-too-large')) causes.push('the oversized initial weights');
    return causes;
  }

  private optimizerName(): string {
    const known: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad', lion: 'Lion' };
    return this.optimizerId !== undefined ? (known[this.optimizerId] ?? this.optimizerId) : 'the optimizer';
  }

  private checkExploding(step: number, globalNorm: number, perParam: Map<string, { grad: number; weight: number; ratio: number }>): void {
    if (this.gradNorms.length < 5) return;
    const typical = median(this.gradNorms);
    const factor = this.options.explodeFactor ?? 10;
    if (!(typical > 0) || globalNorm <= factor * typical) return;
    // Gradients that are ~0 relative to the weights (saturated units) jump by large factors harmlessly.
    const weightNorm = Math.sqrt([...perParam.values()].reduce((s, p) => s + p.weight * p.weight, 0));
    if (globalNorm < 1e-4 * weightNorm) return;
    // A spike that the loss does not feel (a converged model's tiny gradients doubling) is not an explosion.
    if (!(this.lastLoss > 1.5 * this.emaBest) && !(this.lossSteps < 10)) return;
    let worst: { layer: string; jump: number } | undefined;
    for (const layer of this.layers) {
      if (layer.kernelName === undefined) continue;
      const history = this.layerGradNorms.get(layer.name) ?? [];
      const own = median(history.slice(0, -1));
      const now = perParam.get(layer.kernelName)?.grad ?? NaN;
      const jump = own > 0 ? now / own : NaN;
      if (Number.isFinite(jump) && (worst === undefined || jump > worst.jump)) worst = { layer: layer.name, jump };
    }
    const advice = this.lrAdvice();
    this.emit({
      code: 'exploding-gradients',
      severity: 'error',
      step,
      ...(worst !== undefined ? { layer: worst.layer } : {}),
      summary: `the gradient norm jumped to ${fmt(globalNorm)}, ${times(globalNorm / typical)} its running median ${fmt(typical)}${worst !== undefined ? ` (layer ${worst.layer}: ${times(worst.jump)} its own median)` : ''}`,
      cause: `a step took the weights somewhere steep: the learning rate ${fmt(this.lr)} is too high for ${this.optimizerName()}${this.has('loss-summed-not-averaged') ? ', and the loss is summed over the batch' : ''}${this.has('inputs-not-normalized') ? ', and the inputs are not normalised' : ''}`,
      fix: `${advice.text}, or clip the gradients (chain(clipByGlobalNorm(1), ...))`,
      evidence: { gradNorm: globalNorm, medianGradNorm: typical, lr: this.lr, ...(advice.lr !== undefined ? { suggestedLr: advice.lr } : {}) },
    }, true);
  }

  private checkVanishing(step: number, perParam: Map<string, { grad: number; weight: number; ratio: number }>): void {
    const rel: { layer: string; value: number }[] = [];
    for (const layer of this.layers) {
      if (layer.kernelName === undefined) continue;
      const p = perParam.get(layer.kernelName);
      if (p === undefined || !(p.weight > 0)) continue;
      rel.push({ layer: layer.name, value: p.grad / p.weight });
    }
    if (rel.length < 2) return;
    const max = rel.reduce((a, b) => (b.value > a.value ? b : a));
    const min = rel.reduce((a, b) => (b.value < a.value ? b : a));
    if (max.value > 0 && min.value / max.value < 1e-3 && rel.indexOf(min) < rel.indexOf(max)) this.vanishingStreak++;
    else this.vanishingStreak = 0;
    if (this.vanishingStreak < 3) return;
    const init = this.init.get(min.layer);
    const small = [...this.init].find(([, i]) => i.rms < i.recommendedStd / 3);
    this.emit({
      code: 'vanishing-gradients',
      severity: 'warning',
      step,
      layer: min.layer,
      summary: `its gradient relative to its weights (‖g‖/‖w‖ = ${fmt(min.value)}) is ${times(max.value / Math.max(min.value, 1e-300))} smaller than layer ${max.layer}'s (${fmt(max.value)})`,
      cause:
        small !== undefined
          ? `the weights were initialised too small (layer ${small[0]}: rms ${fmt(small[1].rms)} vs ${fmt(small[1].recommendedStd)} recommended), so each layer scales the backward signal down`
          : `the backward signal shrinks through the layers: saturated sigmoid/tanh units or weights too small${init !== undefined ? ` (initial rms ${fmt(init.rms)})` : ''}`,
      fix: 'the default initializers (He for ReLU layers, Glorot for tanh/sigmoid), ReLU-family hidden activations, or BatchNorm between layers',
      evidence: { relativeGrad: min.value, largestRelativeGrad: max.value, largestLayer: max.layer },
    }, true);
  }

  /**
   * `ratio` is the median over kernels of ‖Δw‖/‖w‖ (kept for the series); `largest` is the layer
   * that moved most. Too high: the largest ratio stays above `updateRatioHigh` for 3 samples (or
   * exceeds 3 once). Too low: even the largest stays below `updateRatioLow` while the loss is flat.
   */
  private checkUpdateRatio(step: number, ratio: number, largest: { layer: string; ratio: number } | undefined): void {
    if (!Number.isFinite(ratio) || largest === undefined) return;
    this.ratios.push(ratio);
    if (this.ratios.length > 50) this.ratios.shift();
    const high = this.options.updateRatioHigh ?? 0.3;
    const low = this.options.updateRatioLow ?? 1e-4;
    const top = largest.ratio;
    this.highRatioStreak = top > high ? this.highRatioStreak + 1 : 0;
    // Tiny updates only say the learning rate is too low when there is a gradient to follow.
    this.lowRatioStreak = top < low && this.lastGradNorm > 0 ? this.lowRatioStreak + 1 : 0;
    if (this.highRatioStreak >= 3 || top > 3) {
      const advice = this.lrAdvice(Math.min(0.1, 1e-2 / top));
      this.emit({
        code: 'lr-too-high',
        severity: 'error',
        step,
        summary: `each update changes the weights of ${largest.layer} by ${pct(top)} of their size (‖Δw‖/‖w‖ = ${fmt(top)}; median over layers ${fmt(ratio)}; 1e-3 to 1e-2 is typical of healthy training)`,
        cause: `the learning rate ${fmt(this.lr)} is too high for ${this.optimizerName()}${this.has('loss-summed-not-averaged') ? ' with a loss summed over the batch' : ''}${this.has('inputs-not-normalized') ? ' on unnormalised inputs' : ''}: every step throws the weights around instead of descending`,
        fix: `${advice.text} (or run lrFinder for a measured value)`,
        evidence: { updateRatio: top, medianUpdateRatio: ratio, layer: largest.layer, lr: this.lr, suggestedLr: advice.lr },
      });
    }
    // Dead or frozen layers make updates tiny whatever the learning rate: that is not the rate's fault.
    const frozen = top === 0 || this.has('dead-relu') || [...this.currentDead.values()].some((f) => f >= 0.9);
    if (this.lowRatioStreak >= 5 && this.lossSlow() && !frozen) {
      const factor = Math.min(1000, 1e-3 / Math.max(top, 1e-300));
      const advice = roundLr(this.lr * factor);
      const structural = this.structuralCauses();
      this.emit({
        code: 'lr-too-low',
        severity: 'warning',
        step,
        summary: `updates change the weights by at most ${fmt(top)} of their size per step (‖Δw‖/‖w‖ of ${largest.layer}; 1e-3 to 1e-2 is typical) and the loss is barely moving`,
        cause: `the learning rate ${fmt(this.lr)} is too low for ${this.optimizerName()}${structural.length > 0 ? ` — probably made tiny to stop a divergence that ${structural.join(' and ')} caused; fix ${structural.length > 1 ? 'those' : 'that'} instead` : ''}`,
        fix:
          structural.length > 0
            ? `fix ${structural.join(' and ')} first; then an ordinary learning rate works (e.g. 0.01–0.1 for SGD, 1e-3 for Adam): run lrFinder on the fixed set-up`
            : `lr ${fmt(advice)} (or run lrFinder)`,
        evidence: { updateRatio: top, lr: this.lr, suggestedLr: advice },
      });
    }
  }

  /** Whether the loss has improved by less than a quarter since the first step (a loss already near 0 is not slow). */
  private lossSlow(): boolean {
    if (this.lossSteps < 20 || !Number.isFinite(this.firstLoss)) return false;
    return (this.firstLoss - this.emaSlow) / Math.max(Math.abs(this.firstLoss), 1e-12) < 0.25;
  }

  private checkDead(step: number, activities: Map<string, ReturnType<typeof unitActivity>>): void {
    const window = this.options.deadWindow ?? 100;
    const threshold = this.options.deadThreshold ?? 0.5;
    for (const layer of this.layers) {
      const last = this.lastFired.get(layer.name);
      const activity = activities.get(layer.name);
      if (last === undefined || activity?.fired === undefined || activity.fired.length !== last.length) continue;
      for (let u = 0; u < last.length; u++) if (activity.fired[u] === 1) last[u] = step;
      if (this.sampleCount < 3 || step - this.firstSampleStep < window) continue;
      let dead = 0;
      let since = this.firstSampleStep;
      for (let u = 0; u < last.length; u++) {
        if (last[u] < step - window) {
          dead++;
          if (last[u] >= 0) since = Math.max(since, last[u]);
        }
      }
      const fraction = dead / last.length;
      if (fraction < threshold) continue;
      let diedLater = false;
      for (let u = 0; u < last.length; u++) if (last[u] >= 0 && last[u] < step - window) diedLater = true;
      const init = this.init.get(layer.name);
      const initSmall = init !== undefined && init.rms < init.recommendedStd / 3;
      const initLarge = init !== undefined && init.rms > 3 * init.recommendedStd;
      const diverged = this.has('lr-too-high') || this.has('loss-diverging') || this.has('exploding-gradients') || this.has('loss-summed-not-averaged');
      const isOut = layer === this.outLayer;
      const recName = initializerLabel(layer.activation?.recommendedInitializer);
      const causes: string[] = [];
      const fixes: string[] = [];
      if (isOut) {
        causes.push('a ReLU on the output layer, which outputs 0 once its input is negative for every example');
        fixes.push('a linear output layer (with binaryCrossEntropyWithLogits for 0/1 targets)');
      }
      if (diedLater || diverged) {
        causes.push(`learning rate ${fmt(this.lr)} too high for ${this.optimizerName()}${this.has('loss-summed-not-averaged') ? ' with a summed loss' : ''} (a large update pushed their inputs below 0 for every example)`);
        fixes.push(`lr ${fmt(roundLr(this.lr / 10))}`);
      }
      if (initSmall) {
        causes.push(`weights initialised too small (rms ${fmt(init.rms)} vs ${recName} std ${fmt(init.recommendedStd)})`);
        fixes.push(`the default ${recName} initializer`);
      } else if (initLarge || this.has('init-not-centered')) {
        causes.push(`weights initialised too large or all of one sign (rms ${fmt(init?.rms ?? NaN)} vs ${recName} std ${fmt(init?.recommendedStd ?? NaN)})`);
        fixes.push(`the default ${recName} initializer`);
      }
      if (!diedLater && causes.length === 0) causes.push('their inputs were negative for every example from the start: negative biases, or inputs that are not centred');
      if (causes.length === 0) causes.push('a large update pushed their inputs below 0 for every example');
      fixes.push('leakyRelu, which keeps a small gradient below 0');
      this.emit({
        code: 'dead-relu',
        severity: fraction >= 0.9 ? 'error' : 'warning',
        step,
        layer: layer.name,
        summary: `${pct(fraction)} of ${unitName(layer.activation)} units never activated since step ${since}`,
        cause: causes.join(', or '),
        fix: fixes.join(', or '),
        evidence: { deadFraction: fraction, deadUnits: dead, units: last.length, since, window, lr: this.lr },
      });
    }
  }

  private checkSaturation(step: number, activities: Map<string, ReturnType<typeof unitActivity>>): void {
    const threshold = this.options.saturationThreshold ?? 0.5;
    for (const layer of this.layers) {
      if (!isTwoSided(layer.activation)) continue;
      const activity = activities.get(layer.name);
      if (activity === undefined || !Number.isFinite(activity.saturatedFraction)) continue;
      let history = this.saturation.get(layer.name);
      if (history === undefined) this.saturation.set(layer.name, (history = []));
      history.push(activity.saturatedFraction);
      if (history.length > 3) history.shift();
      if (history.length < 3) continue;
      const mean = history.reduce((a, b) => a + b, 0) / history.length;
      if (mean < threshold) continue;
      const act = layer.activation!;
      const init = this.init.get(layer.name);
      const initLarge = init !== undefined && init.rms > 3 * init.recommendedStd;
      this.emit({
        code: 'saturated-units',
        severity: mean >= 0.9 ? 'error' : 'warning',
        step,
        layer: layer.name,
        summary: `${pct(mean)} of its ${unitName(act)} pre-activations are beyond ±${fmt(act.saturation.above!)} (rms ${fmt(activity.preRms)}), where the gradient is under 1% of its peak`,
        cause: initLarge
          ? `the weights are too large (initial rms ${fmt(init.rms)} vs ${initializerLabel(act.recommendedInitializer)} std ${fmt(init.recommendedStd)}), so the units sit on the flat tails of ${act.id} and pass back almost no gradient`
          : `the pre-activations grew too large (weights or inputs), so the units sit on the flat tails of ${act.id} and pass back almost no gradient`,
        fix: `the default ${initializerLabel(act.recommendedInitializer)} initializer, normalised inputs and a lower learning rate — or ReLU hidden units, which do not saturate for positive inputs`,
        evidence: { saturatedFraction: mean, preActivationRms: activity.preRms, threshold: act.saturation.above! },
      });
    }
  }

  private checkConstant(step: number): void {
    const out = this.outLayer;
    if (out === undefined) return;
    const c = this.capture?.captures.get(out.name);
    const input = this.capture?.modelInput;
    if (c?.output === undefined || input === undefined) return;
    // Outputs and inputs of the last few samples together, so batches of one example count too.
    const units = c.output.rank <= 1 ? 1 : c.output.shape[c.output.rank - 1];
    const rows = Math.min(c.output.shape[0] ?? 1, 64);
    this.recentOutputs.push({ values: Float64Array.from(c.output.values.subarray(0, rows * units)), units, input: Float64Array.from(input.values.subarray(0, Math.min(input.values.length, 64 * 1024))) });
    if (this.recentOutputs.length > 5) this.recentOutputs.shift();
    if (this.recentOutputs.length < 3 || this.recentOutputs.some((r) => r.units !== units)) return;
    let spread = 0;
    let scale = 0;
    for (let u = 0; u < units; u++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const r of this.recentOutputs) {
        for (let i = u; i < r.values.length; i += units) {
          lo = Math.min(lo, r.values[i]);
          hi = Math.max(hi, r.values[i]);
        }
      }
      spread = Math.max(spread, hi - lo);
      scale = Math.max(scale, Math.abs(lo), Math.abs(hi));
    }
    const inputsDiffer = this.recentOutputs.some((r) => r.input.some((v, i) => v !== this.recentOutputs[0].input[i])) || outputSpread(input).spread > 0;
    if (!(spread <= 1e-5 * Math.max(1, scale) && inputsDiffer)) {
      this.constantStreak = 0;
      return;
    }
    this.constantStreak++;
    if (this.constantStreak < 3) return;
    const deadFinding = this.firstOf('dead-relu');
    const deadNow = [...this.currentDead].find(([, f]) => f >= 0.99);
    const dead = deadFinding?.layer ?? deadNow?.[0];
    const small = [...this.init].find(([, i]) => i.rms < i.recommendedStd / 3);
    this.emit({
      code: 'constant-predictions',
      severity: 'error',
      step,
      layer: out.name,
      summary: `the network gives the same output (${fmt(scale)} ±${fmt(spread)}) for every example it saw over the last ${this.recentOutputs.length} samples`,
      cause:
        dead !== undefined
          ? `the ReLU units of ${dead} are dead (inactive for every example), so nothing of the input reaches the output — it has learned only the bias`
          : small !== undefined
            ? `the weights were initialised too small (layer ${small[0]}: rms ${fmt(small[1].rms)} vs ${fmt(small[1].recommendedStd)}), so the output ignores the input and learns only the bias`
            : 'no signal reaches the output (dead or saturated units): it has learned only the bias',
      fix: `the default initializers and a linear output layer${this.structuralCauses().length > 0 ? `, and fix ${this.structuralCauses().join(' and ')} (see those findings)` : `; ${this.lrAdvice().text} if the loss spiked before`}`,
      evidence: { spread, outputScale: scale },
    });
  }

  private checkBias(step: number): void {
    for (const layer of this.layers) {
      if (layer.bias === undefined || layer.biasName === undefined || layer.bias.size < 2 || layer.bias.grad === null) continue;
      const g = valueStats(layer.bias.grad.values);
      const uniform = g.absMax > 0 && g.max - g.min <= 1e-6 * g.absMax;
      const streak = uniform ? (this.biasStreak.get(layer.name) ?? 0) + 1 : 0;
      this.biasStreak.set(layer.name, streak);
      if (streak < 2) continue;
      this.emit({
        code: 'suspicious-bias-gradient',
        severity: 'error',
        step,
        layer: layer.name,
        parameter: layer.biasName,
        summary: `every entry of the gradient of ${layer.biasName} is the same number (${fmt(g.mean)}) for ${streak} samples in a row`,
        cause: 'a bias gradient summed over the whole matrix (grad.sum()) instead of over the batch axis (grad.sum(axis=0)) gives every unit the same update — a custom op or layer with a wrong backward',
        fix: "check the layer's backward with @keel/testkit's checkLayer (gradients against finite differences, batch scaling); Keel's own ops reduce broadcast gradients over the batch axis",
        evidence: { gradient: g.mean, units: layer.bias.size },
      });
    }
  }

  // --- non-finite values --------------------------------------------------------------------

  private onNonFinite(event: NonFiniteEvent): void {
    if (this.nonFinite !== undefined) return;
    this.nonFinite = event;
    const model = this.model;
    const replay = this.options.replay;
    if ((event.phase === 'update' || event.phase === 'state') && model !== undefined && this.options.trace !== 'off') this.traceOptimizerUpdate(event.step);
    if (this.trace === undefined && model !== undefined && replay !== undefined && this.options.trace !== 'off' && this.options.trace !== 'live') {
      try {
        const weights = event.weightsArePreStep ? undefined : this.snapshotBefore(event.step);
        if (event.weightsArePreStep || weights !== undefined) {
          const { x, y, indices } = replay.batchAt(event.epoch, event.batchIndex);
          this.trace = traceStep({ model, x, y, loss: replay.loss, step: event.step, ...(weights !== undefined ? { weights } : {}), ...(indices !== undefined ? { indices } : {}) });
        }
      } catch {
        this.trace = undefined;
      }
    }
    this.put(this.nanFinding(event));
  }

  /**
   * Re-runs the optimizer's update of the failing step op by op (`traceUpdate`): on the step's
   * gradients (still on the parameters: fit leaves a failed step's tensors alive) and the weights
   * from before the step when the doctor copied them.
   */
  private traceOptimizerUpdate(step: number): void {
    const recorded = this.optimizerId;
    if (this.options.optimizer === undefined && recorded === undefined) return;
    try {
      const registry = this.options.registry ?? (this.model as { registry?: Registry } | undefined)?.registry ?? defaultRegistry;
      installTrain(registry);
      // the training state records the id as a string: checked against the registry (as resolving it would be), then typed
      const arg = this.options.optimizer ?? (recorded === undefined ? undefined : { ...this.optimizerConfig, id: registry.idOf('optimizer', recorded) });
      if (arg === undefined) return;
      let lr = this.lr;
      const resolved = resolveOptimizer(registry, arg, () => lr, 'doctor');
      if (!(lr > 0)) lr = resolved.baseSchedule?.(step) ?? NaN;
      const id = resolved.id;
      const plugin = id !== undefined && registry.has('optimizer', id) ? pluginLabel(registry.describe('optimizer', id).plugin) : undefined;
      const label = id === undefined ? 'the optimizer (a GradientTransformation)' : `optimizer '${id}'${plugin !== undefined ? ` (${plugin})` : ''}`;
      const weights = this.snapshotBefore(step);
      const grads = new Map([...this.params].map(([name, p]) => [name, p.grad] as const));
      this.updateTrace = traceUpdate({ transformation: resolved.transformation, params: this.params, grads, step, ...(weights !== undefined ? { weights } : {}) });
      this.updateOptimizer = { label, ...(id !== undefined ? { id } : {}), ...(plugin !== undefined ? { plugin } : {}) };
    } catch {
      // An optimizer that cannot be re-created here: the finding says what the guard saw.
      this.updateTrace = undefined;
    }
  }

  private nanFinding(event: NonFiniteEvent): Finding {
    const t = this.trace;
    const where =
      event.where === 'loss'
        ? 'the loss'
        : event.phase === 'update'
          ? `${event.where} (after the optimizer update)`
          : event.phase === 'state'
            ? `the optimizer state ${event.where}`
            : event.phase === 'weights'
              ? `the parameter ${event.where} (before training)`
              : `the gradient of ${event.where}`;
    const lr = this.lr;
    const contributors: string[] = [];
    if (this.has('loss-summed-not-averaged')) contributors.push('a loss summed over the batch');
    if (this.has('inputs-not-normalized')) contributors.push('unnormalised inputs');
    if (this.has('init-too-large')) contributors.push('weights initialised too large');
    if (this.has('init-not-centered')) contributors.push('all-positive initial weights');
    const also = contributors.length > 0 ? `; contributing: ${contributors.join(', ')}` : '';
    const structural = this.structuralCauses();
    const lrPart = Number.isFinite(lr) && lr > 0 ? `lr ${fmt(roundLr(lr / 100))}–${fmt(roundLr(lr / 10))} (or lrFinder)` : 'a lower learning rate (or lrFinder)';
    const lrFix = structural.length > 0 ? `fix ${structural.join(' and ')} first (see those findings), then ${lrPart}` : lrPart;
    const hygiene = structural.length > 0 ? '' : '; a mean-reduced loss, normalised inputs and the default initializers';
    const weightsMax = t !== undefined ? Math.max(...Object.values(t.weightAbsMax).map((v) => (typeof v === 'number' ? v : Infinity)), 0) : NaN;
    const bigWeights = t !== undefined ? Object.entries(t.weightAbsMax).filter(([, v]) => typeof v !== 'number' || v > 1e3) : [];
    const u = this.updateTrace;
    if ((event.phase === 'update' || event.phase === 'state') && u !== undefined && this.updateOptimizer !== undefined) {
      const { label, id, plugin } = this.updateOptimizer;
      return updateFinding({ trace: u, phase: event.phase, where: event.where, epoch: event.epoch, batchIndex: event.batchIndex, optimizer: label, ...(id !== undefined ? { optimizerId: id } : {}), ...(plugin !== undefined ? { plugin } : {}), lr, lrFix });
    }
    if (t === undefined || !t.found) {
      return finding({
        code: 'nan-produced',
        severity: 'error',
        source: 'monitor',
        step: event.step,
        summary: `${where} became non-finite at step ${event.step} (epoch ${event.epoch + 1}, batch ${event.batchIndex + 1})`,
        cause: `values overflowed float32: usually a learning rate too high (${fmt(lr)})${also}`,
        fix: `${lrFix}${hygiene}; run under diagnoseFit (or doctor({ trace: 'live' })) to name the op that produced it`,
        evidence: { step: event.step, epoch: event.epoch, batch: event.batchIndex, where: event.where, lr, traced: false },
      });
    }
    const inputsText = t.inputs
      .map((i) => `${i.name === undefined ? 'an intermediate value' : i.role === 'intermediate' ? `the output of ${i.name}` : i.name} ${i.shape.length > 0 ? `[${i.shape.join(', ')}] ` : ''}from ${typeof i.min === 'number' ? fmt(i.min) : i.min} to ${typeof i.max === 'number' ? fmt(i.max) : i.max}${i.nonFinite > 0 ? ` (${i.nonFinite} non-finite)` : ''}`)
      .join('; ');
    const what = t.output !== undefined ? (t.output.nan > 0 && t.output.posInf + t.output.negInf === 0 ? 'NaN' : t.output.nan > 0 ? 'NaN and Infinity' : 'Infinity') : 'NaN/Inf';
    const common = { step: t.step, epoch: event.epoch, batch: event.batchIndex, where: event.where, op: t.op ?? null, phase: t.phase, scope: t.scope ?? null, parameter: t.parameter ?? null, lr, largestWeight: weightsMax, opsChecked: t.opsChecked, traced: true };
    if (t.phase === 'input') {
      const bad = t.badExample;
      const which = bad === undefined ? undefined : `the ${bad.tensor === 'input' ? 'inputs' : 'targets'} of example ${bad.index ?? bad.row}${bad.index !== undefined ? ` (row ${bad.row} of the batch)` : ' of the batch'} hold ${bad.value}`;
      return finding({
        code: 'nan-produced',
        severity: 'error',
        source: 'trace',
        step: t.step,
        summary: `the batch of step ${t.step} itself holds NaN or Infinity${which !== undefined ? `: ${which}` : ''} (${inputsText})`,
        cause: 'the data has missing or invalid values (an empty CSV field parsed as NaN, a division by zero in preprocessing); the learning rate is not the cause',
        fix: `clean the data set: drop or repair the examples with NaN/Inf ${bad?.tensor === 'targets' ? 'labels' : 'features'}`,
        evidence: { ...common, learningRateIsCause: false, ...(bad !== undefined ? { badTensor: bad.tensor, badRow: bad.row, badExample: bad.index ?? null } : {}) },
      });
    }
    if (t.phase === 'weights') {
      return finding({
        code: 'nan-produced',
        severity: 'error',
        source: 'trace',
        step: t.step,
        ...(t.nonFiniteWeights[0] !== undefined ? { parameter: t.nonFiniteWeights[0] } : {}),
        summary: `before step ${t.step} the weights ${t.nonFiniteWeights.join(', ')} already held NaN/Inf: the update of the step before overflowed${t.op !== undefined ? `; the first op to show it is ${t.op} in ${t.layer}` : ''}`,
        cause: `the updates exploded — the learning rate ${fmt(lr)} is too high${also}`,
        fix: `${lrFix}${hygiene}; clip the gradients (clipByGlobalNorm) to be safe`,
        evidence: common,
      });
    }
    const layer = t.layer ?? 'the loss';
    const inLayer = t.layer !== undefined && t.layer !== 'loss' ? `layer ${t.layer}` : 'the loss';
    const grown = bigWeights.length > 0 ? `the weights had grown huge (${bigWeights.map(([n, v]) => `${n} up to ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}) — earlier updates exploded` : undefined;
    // An op that turned finite inputs of a normal size into NaN/Inf (log(0), x/0, sqrt(-1)) is a
    // formulation problem: a lower learning rate would only postpone it.
    const fromFiniteInputs = grown === undefined && t.inputs.length > 0 && t.inputs.every((i) => i.nonFinite === 0 && typeof i.absMax === 'number' && i.absMax < 1e6);
    const domainOps = ['log', 'div', 'reciprocal', 'sqrt', 'rsqrt'];
    // what both explanations below say: where the first non-finite value came from
    const origin = {
      code: 'nan-produced',
      severity: 'error',
      source: 'trace',
      step: t.step,
      ...(t.layer !== undefined && t.layer !== 'loss' ? { layer } : {}),
      ...(t.parameter !== undefined ? { parameter: t.parameter } : {}),
      summary: `at step ${t.step} (epoch ${event.epoch + 1}, batch ${event.batchIndex + 1}) the first non-finite value was produced by ${t.op} in the ${t.phase} pass of ${inLayer}: ${t.output !== undefined ? `${t.output.nan + t.output.posInf + t.output.negInf} ${what} value(s), the first at index ${t.output.firstIndex}` : what}; its inputs: ${inputsText}`,
    } as const;
    if (fromFiniteInputs && t.op !== undefined && domainOps.includes(t.op)) {
      return finding({
        ...origin,
        cause: `its inputs were finite and of a normal size, so ${t.op} itself produced it (${t.op === 'log' ? 'log of 0 or of a negative value: a probability that reached exactly 0' : t.op === 'div' || t.op === 'reciprocal' ? 'a division by 0' : `${t.op} outside its domain`}); the learning rate is not the cause`,
        fix: `compute it in a numerically stable form: ${t.op === 'log' ? 'a from-logits loss (sparseSoftmaxCrossEntropy, softmaxCrossEntropy, binaryCrossEntropyWithLogits) instead of the log of probabilities, or log(p + eps) / clip p away from 0' : `keep the ${t.op}'s input away from 0 and from invalid values (add an eps, clip)`}`,
        evidence: { ...common, fromFiniteInputs: true, learningRateIsCause: false },
      });
    }
    let cause: string;
    if (grown !== undefined) cause = `${grown}: the learning rate ${fmt(lr)} is too high${also}`;
    else if (t.op === 'log' || t.op === 'div' || t.op === 'reciprocal') cause = `a ${t.op} of 0 (or of a value that underflowed to 0): probabilities reached exactly 0 or 1 — compute the loss from logits`;
    else if (t.op === 'exp' || t.op === 'pow' || t.op === 'square' || t.op === 'mul') cause = `${t.op} overflowed float32 (beyond 3.4e38) on inputs this large${also.length > 0 ? also : ': the activations grew too large (learning rate, initialisation or input scale)'}`;
    else cause = `float32 overflow in ${t.op ?? 'an op'} on inputs this large${also.length > 0 ? also : ''}; usually a learning rate too high (${fmt(lr)})`;
    const layerView = this.layers.find((l) => l.name === t.layer);
    const handWrittenId = t.op === 'exp' && layerView?.activation !== undefined && !BUILTIN_SAFE.has(layerView.activation.id) ? layerView.activation.id : undefined;
    const expFix = handWrittenId !== undefined
      ? `; the activation '${handWrittenId}' computes exp of an unbounded input: use Keel's softmax/sigmoid (they subtract the max or branch on the sign), or better a linear output with softmaxCrossEntropy`
      : '';
    return finding({
      ...origin,
      cause,
      fix: `${lrFix}${hygiene}${expFix}`,
      evidence: common,
    });
  }

  // --- end of training ---------------------------------------------------------------------

  private finish(): void {
    this.dispose();
    if (this.nonFinite !== undefined || this.lossSteps < 50 || !Number.isFinite(this.emaStart)) return;
    const improvement = (this.emaStart - this.emaSlow) / Math.max(Math.abs(this.emaStart), 1e-12);
    if (improvement >= 0.02 || this.has('loss-diverging')) return;
    const ratio = median(this.ratios);
    const dead = this.firstOf('dead-relu');
    const constant = this.has('constant-predictions');
    const saturated = this.firstOf('saturated-units');
    const small = [...this.init].find(([, i]) => i.rms < i.recommendedStd / 3);
    // Problems of the model come first: a higher learning rate does not revive dead units or
    // make a starved signal reach the output.
    const causes: string[] = [];
    const fixes: string[] = [];
    const noGradient = this.lastGradNorm === 0;
    if (noGradient) causes.push('no gradient reaches the weights at all (dead or saturated units)');
    if (small !== undefined || this.has('init-too-small-for-relu') || this.has('init-too-small')) {
      const which = small !== undefined ? ` (layer ${small[0]}: rms ${fmt(small[1].rms)} vs ${fmt(small[1].recommendedStd)})` : '';
      causes.push(`weights initialised too small${which}: the signal shrinks layer after layer, so the output barely depends on the input and only the biases learn`);
      fixes.push('the default initializers (leave kernelInitializer out: He for ReLU layers)');
    }
    if (dead !== undefined) {
      causes.push(`dead ReLU units in ${dead.layer}`);
      fixes.push('see dead-relu');
    }
    if (saturated !== undefined) {
      causes.push(`saturated units in ${saturated.layer}`);
      fixes.push('see saturated-units');
    }
    if (this.has('mse-on-classification') || this.has('probabilities-for-logits')) {
      causes.push('a loss that does not match the output layer (see the lint findings)');
      fixes.push('a linear output with softmax cross-entropy');
    }
    if (constant) causes.push('the network predicts a constant (only the bias learns)');
    const expected = this.options.expectedInitialLoss;
    const atChance = expected !== undefined && Math.abs(this.emaSlow - expected) < 0.05 * expected;
    if (atChance) causes.push(`the loss sits at ${fmt(expected)}, the loss of predicting the class frequencies`);
    const lrLow = !noGradient && Number.isFinite(ratio) && ratio < 1e-4;
    if (lrLow && fixes.length === 0) {
      causes.push(`updates too small (‖Δw‖/‖w‖ = ${fmt(ratio)}): the learning rate ${fmt(this.lr)} is too low`);
      fixes.push(`lr ${fmt(roundLr(this.lr * Math.min(1000, 1e-3 / ratio)))} (or run lrFinder)`);
    }
    if (causes.length === 0) causes.push(`the learning rate ${fmt(this.lr)} is too low or too high to make progress`);
    if (fixes.length === 0) fixes.push('the default initializers, normalised inputs, and a learning rate from lrFinder');
    this.emit({
      code: 'loss-stuck',
      severity: 'warning',
      step: this.startStep + this.lossSteps - 1,
      summary: `after ${this.lossSteps} steps the smoothed loss is ${fmt(this.emaSlow)}, ${pct(Math.max(0, improvement))} below where it started (${fmt(this.emaStart)})`,
      cause: causes.join('; '),
      fix: fixes.join(', and '),
      evidence: { loss: this.emaSlow, start: this.emaStart, improvement, updateRatio: ratio, lr: this.lr, firstLoss: this.firstLoss, expectedInitialLoss: expected },
    });
  }
}

/** A `fit` callback that watches training's health and explains what goes wrong; see `Doctor`. */
export function doctor(options: DoctorOptions = {}): Doctor {
  return new Doctor(options);
}

// Running training under the doctor: `diagnoseFit` (lints + fit with the doctor + the trace of a
// NaN, whichever way it surfaces), `diagnose` (any training function), and `probe` (lints and a
// short probe training, then the LR range test when the learning rate looks wrong) — what
// `keel doctor` calls.
//
// Why a wrapper: fit's numerics guard throws a NumericsError from inside the step, before any
// callback runs, so a callback alone cannot see the failing step. The wrapper catches the error;
// the guard throws before the update, so the model still holds the weights the failing step
// started from, and the wrapper knows the data and loader settings, so it rebuilds that exact
// batch (DataLoader.order/collate) and re-runs the step op by op. With `guard: false` the doctor
// sees the non-finite loss in onBatchEnd instead, replays the step from the copy of the weights it
// took before the step, and stops training.
import { DataLoader, type Dataset, type Example } from '@keel/data';
import type { Module } from '@keel/layers';
import { defaultRegistry, type Registry } from '@keel/registry';
import type { Tensor } from '@keel/tensor';
import { fit, installTrain, resolveLoss, type Callback, type FitOptions, type FitResult, type LossArg, type OptimizerArg } from '@keel/train';
import { Doctor, type DoctorOptions } from './doctor.js';
import { finding, type Finding, type FindingCode } from './findings.js';
import { fmt, roundLr } from './format.js';
import { lint, type LintResult } from './lint.js';
import { lrFinderSync, type LrFinderOptions, type LrFinderResult } from './lr-finder.js';
import { optimizerInfo } from './model-info.js';
import { buildReport, type Report, type ReportSetup } from './report.js';
import { restoreWeights, snapshotWeights } from './trace.js';

export interface DiagnoseFitOptions extends FitOptions {
  /** Options of the doctor callback. */
  readonly doctor?: DoctorOptions;
  /** Run the lints on a first batch before training (default true). */
  readonly lint?: boolean;
}

export interface Diagnosis {
  readonly report: Report;
  /** fit's result, when it returned. */
  readonly result?: FitResult;
  /** What fit threw, if it threw (a NumericsError is also explained in the report). */
  readonly error?: unknown;
  readonly lint?: LintResult;
  readonly doctor: Doctor;
}

function registryOf(model: Module, registry: Registry | undefined): Registry {
  const r = registry ?? (model as { registry?: Registry }).registry ?? defaultRegistry;
  installTrain(r);
  return r;
}

function describeLoss(loss: LossArg): string | undefined {
  if (typeof loss === 'string') return loss;
  if (typeof loss === 'function') return loss.name !== '' ? loss.name : 'custom';
  const { id, ...rest } = loss;
  return Object.keys(rest).length > 0 ? `${id} ${JSON.stringify(rest)}` : id;
}

function setupOf(options: { loss: LossArg; optimizer: OptimizerArg; batchSize?: number }, registry: Registry, steps?: number): ReportSetup {
  const info = optimizerInfo(options.optimizer);
  const lr = info.lr ?? (info.id !== undefined && registry.has('optimizer', info.id) ? registry.resolve('optimizer', info.id).defaultLearningRate : undefined);
  const loss = describeLoss(options.loss);
  return {
    ...(loss !== undefined ? { loss } : {}),
    ...(info.id !== undefined ? { optimizer: info.id } : {}),
    ...(lr !== undefined ? { lr } : {}),
    batchSize: options.batchSize ?? 32,
    ...(steps !== undefined ? { steps } : {}),
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? 'unknown error';
}

/** The batch `fit` used at (epoch, batchIndex), rebuilt from the same data and loader settings. */
function batchSource(data: Dataset<Example>, options: FitOptions): (epoch: number, batchIndex: number) => { x: Tensor; y: Tensor; indices: ArrayLike<number> } {
  const batchSize = options.batchSize ?? 32;
  const loader = new DataLoader(data, { batchSize, shuffle: options.shuffle !== false, seed: options.seed ?? 0 });
  return (epoch, batchIndex) => {
    const order = loader.order(epoch);
    const start = batchIndex * batchSize;
    const indices = order.subarray(start, Math.min(start + batchSize, order.length));
    if (indices.length === 0) throw new RangeError(`no batch ${batchIndex} in epoch ${epoch}`);
    const batch = loader.collate(indices);
    return { x: batch.x, y: batch.y, indices };
  };
}

/**
 * Trains with `fit` under the doctor: lints on a first batch, the doctor callback during training,
 * and when a NaN/Inf appears (the guard's NumericsError, or a non-finite loss with `guard: false`)
 * the failing step is re-run op by op to name the op, layer, parameter and phase that produced it.
 * Never throws for a training failure: the error is returned and explained in the report.
 */
export async function diagnoseFit(model: Module, data: Dataset<Example>, options: DiagnoseFitOptions): Promise<Diagnosis> {
  const registry = registryOf(model, options.registry);
  const { doctor: doctorOptions, lint: runLint, ...fitOptions } = options;
  const loss = resolveLoss(registry, options.loss);
  const batchSize = options.batchSize ?? 32;
  const loader = new DataLoader(data, { batchSize, shuffle: options.shuffle !== false, seed: options.seed ?? 0 });
  let linted: LintResult | undefined;
  if (runLint !== false) {
    const first = loader.collate(loader.order(options.initialEpoch ?? 0).subarray(0, Math.min(batchSize, 512, data.length)));
    linted = lint({ model, loss: options.loss, optimizer: options.optimizer, batch: { x: first.x, y: first.y }, batchSize, registry });
  }
  const doc = new Doctor({
    registry,
    optimizer: options.optimizer,
    ...(linted?.expectedInitialLoss !== undefined ? { expectedInitialLoss: linted.expectedInitialLoss } : {}),
    ...doctorOptions,
    replay: doctorOptions?.replay ?? { batchAt: batchSource(data, options), loss: loss.fn, stepsPerEpoch: loader.length },
  });
  for (const f of linted?.findings ?? []) doc.addFinding(f);
  let result: FitResult | undefined;
  let error: unknown;
  const started = performance.now();
  try {
    result = await fit(model, data, { ...fitOptions, registry, callbacks: [...(options.callbacks ?? []), doc] });
  } catch (e) {
    error = e;
    doc.handleError(e);
  } finally {
    doc.dispose();
  }
  const series = doc.series();
  const lastLoss = [...series.loss].reverse().find((v) => v !== null) ?? null;
  const nonFinite = doc.findings().some((f) => f.code === 'nan-produced');
  const report = buildReport({
    model,
    findings: doc.findings(),
    setup: setupOf(options, registry, doc.steps),
    ...(linted !== undefined ? { lint: { layers: linted.layers, initialLoss: linted.initialLoss, expectedInitialLoss: linted.expectedInitialLoss, batchScaling: linted.batchScaling } } : {}),
    series,
    ...(doc.trace !== undefined ? { trace: doc.trace } : {}),
    outcome: {
      status: nonFinite ? 'non-finite' : error !== undefined ? 'error' : 'completed',
      steps: doc.steps,
      finalLoss: lastLoss,
      seconds: (performance.now() - started) / 1000,
      ...(error !== undefined ? { error: describeError(error) } : {}),
    },
  });
  return { report, doctor: doc, ...(result !== undefined ? { result } : {}), ...(error !== undefined ? { error } : {}), ...(linted !== undefined ? { lint: linted } : {}) };
}

/**
 * Runs any training function with a doctor attached by the caller (`callbacks: [doc]`), catching
 * a NumericsError and explaining it. Without a replay source in the doctor's options the NaN is
 * reported with its step and parameter but not traced to an op; use `diagnoseFit`, or
 * `doctor({ trace: 'live' })`, for that.
 */
export async function diagnose<T>(train: () => Promise<T>, doc: Doctor): Promise<{ result?: T; error?: unknown; findings: Finding[] }> {
  try {
    const result = await train();
    return { result, findings: doc.findings() };
  } catch (error) {
    doc.handleError(error);
    return { error, findings: doc.findings() };
  } finally {
    doc.dispose();
  }
}

export interface ProbeConfig {
  readonly model: Module;
  readonly data: Dataset<Example>;
  readonly loss: LossArg;
  readonly optimizer: OptimizerArg;
  /** Default 64. */
  readonly batchSize?: number;
  /** Steps of probe training (default 200). */
  readonly steps?: number;
  readonly seed?: number;
  readonly registry?: Registry;
  /** fit's numerics guard (default true). */
  readonly guard?: boolean;
  readonly doctor?: DoctorOptions;
  /**
   * Run the LR range test: 'auto' (default) when a finding says the learning rate is wrong (or the
   * run hit NaN, diverged or got stuck), true always, false never; or its options.
   */
  readonly lrFinder?: boolean | 'auto' | Partial<Omit<LrFinderOptions, 'loss' | 'optimizer' | 'registry'>>;
  /** Restore the model's initial weights afterwards (default true): a probe leaves no trace on the model. */
  readonly restore?: boolean;
  readonly callbacks?: readonly Callback[];
}

const LR_CODES: readonly FindingCode[] = ['lr-too-high', 'lr-too-low', 'loss-diverging', 'loss-stuck', 'nan-produced', 'exploding-gradients', 'dead-relu'];

/** A finding that may be the learning rate's doing: not one whose trace found another cause (an op's domain, the data, an optimizer computing NaN). */
function learningRateSuspect(f: Finding): boolean {
  return LR_CODES.includes(f.code) && f.evidence.learningRateIsCause !== false;
}

/**
 * Lints a set-up, trains it for a few hundred steps under the doctor, runs the LR range test when
 * the learning rate looks wrong, and returns the report. The model's weights are restored
 * afterwards unless `restore: false`. This is what `keel doctor` runs.
 */
export async function probe(config: ProbeConfig): Promise<Report> {
  const registry = registryOf(config.model, config.registry);
  const batchSize = config.batchSize ?? 64;
  const steps = Math.max(1, Math.floor(config.steps ?? 200));
  const loader = new DataLoader(config.data, { batchSize, shuffle: true, seed: config.seed ?? 0 });
  const unbuilt = config.model as { built?: boolean; build?: (shape: readonly number[]) => unknown };
  if (unbuilt.built === false && typeof unbuilt.build === 'function') unbuilt.build(loader.featureShape);
  const initial = snapshotWeights(config.model.parameters());
  const initialBuffers = snapshotWeights(config.model.buffers());
  const stopper: Callback = {
    name: 'probe-steps',
    onBatchEnd(_batch, _logs, state) {
      if (state.step >= steps) state.stopTraining = true;
    },
  };
  try {
    const diagnosis = await diagnoseFit(config.model, config.data, {
      loss: config.loss,
      optimizer: config.optimizer,
      batchSize,
      epochs: Math.ceil(steps / loader.length),
      seed: config.seed ?? 0,
      registry,
      guard: config.guard ?? true,
      callbacks: [...(config.callbacks ?? []), stopper],
      metrics: [],
      ...(config.doctor !== undefined ? { doctor: config.doctor } : {}),
    });
    const wanted = config.lrFinder ?? 'auto';
    const lrSuspect = diagnosis.report.findings.some(learningRateSuspect);
    if (wanted === false || (wanted === 'auto' && !lrSuspect)) return diagnosis.report;
    restoreWeights(config.model.parameters(), initial);
    restoreWeights(config.model.buffers(), initialBuffers);
    const finderOptions = typeof wanted === 'object' ? wanted : {};
    const optimizerArg = typeof config.optimizer === 'object' && 'init' in config.optimizer ? 'sgd' : config.optimizer;
    let finder: LrFinderResult | undefined;
    try {
      finder = lrFinderSync(config.model, config.data, { batchSize, seed: config.seed ?? 0, ...finderOptions, loss: config.loss, optimizer: optimizerArg, registry });
    } catch {
      finder = undefined;
    }
    if (finder === undefined) return diagnosis.report;
    return withLrSuggestion(diagnosis.report, finder);
  } finally {
    if (config.restore !== false) {
      restoreWeights(config.model.parameters(), initial);
      restoreWeights(config.model.buffers(), initialBuffers);
      for (const p of config.model.parameters().values()) p.zeroGrad();
    }
  }
}

/** Adds the LR range test and its suggestion to the report's learning-rate findings. */
function withLrSuggestion(report: Report, finder: LrFinderResult): Report {
  const suggested = finder.suggested;
  if (suggested === undefined) return { ...report, lrFinder: finder };
  const lr = roundLr(suggested);
  const findings = report.findings.map((f): Finding => {
    if (!learningRateSuspect(f)) return f;
    return finding({
      ...f,
      fix: `${f.fix} — the LR range test on this set-up suggests lr ${fmt(lr)}`,
      evidence: { ...f.evidence, lrFinderSuggestion: lr },
    });
  });
  return { ...report, findings, lrFinder: finder };
}

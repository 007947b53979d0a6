// Trace mode: re-run one training step op by op through `engine.hooks` and report the first op
// whose output holds NaN or ±Infinity — forward or backward — with its layer (the op's scope), the
// parameters among its inputs and the statistics of every input.
import type { Module } from '@keel/layers';
import type { LossFn } from '@keel/losses';
import { engine, Tensor, type OpEvent } from '@keel/tensor';
import { removeHook } from './capture.js';
import { jsonNumber } from './format.js';
import { firstNonFinite, nonFiniteCount, valueStats, type ValueStats } from './stats.js';

/** Statistics of one tensor, JSON-safe. */
export interface TensorSummary {
  /** 'dense_1/kernel' for a parameter, 'input' for the model's input, 'targets', 'the gradient of dense_1/kernel', or undefined for an intermediate value. */
  readonly name?: string;
  readonly role: 'parameter' | 'input' | 'targets' | 'gradient' | 'intermediate';
  readonly shape: readonly number[];
  readonly min: number | string;
  readonly max: number | string;
  readonly mean: number | string;
  readonly absMax: number | string;
  readonly rms: number | string;
  readonly nonFinite: number;
}

/** What the trace found: the first op that produced a non-finite value. */
export interface TraceResult {
  /** The optimizer step that was re-run (0-based). */
  readonly step: number;
  /** True when an op producing NaN/Inf was found. */
  readonly found: boolean;
  /**
   * 'input' (the batch itself holds NaN/Inf), 'weights' (a parameter was already non-finite before
   * the step: an earlier update produced it), 'forward', 'backward', or 'none'.
   */
  readonly phase: 'input' | 'weights' | 'forward' | 'backward' | 'none';
  readonly op?: string;
  /** The scope the op ran in ('dense_1'; '' for the loss). */
  readonly scope?: string;
  /** The layer (scope), or 'loss' for ops outside any layer. */
  readonly layer?: string;
  /** A parameter among the op's inputs, if any. */
  readonly parameter?: string;
  readonly output?: TensorSummary & { readonly nan: number; readonly posInf: number; readonly negInf: number; readonly firstIndex: number };
  readonly inputs: readonly TensorSummary[];
  /** Parameters whose gradient came out non-finite in the re-run. */
  readonly nonFiniteGradients: readonly string[];
  /** Parameters holding non-finite values before the step. */
  readonly nonFiniteWeights: readonly string[];
  /** Largest |value| of each parameter before the step. */
  readonly weightAbsMax: Readonly<Record<string, number | string>>;
  /** The loss value of the re-run. */
  readonly loss: number | string;
  /** Ops checked before the first non-finite output (or in total). */
  readonly opsChecked: number;
  /**
   * For phase 'input': the first example of the batch whose inputs (or, when the inputs are finite,
   * targets) hold NaN/Inf: its row in the batch, its index in the data set when known, and the value.
   */
  readonly badExample?: { readonly tensor: 'input' | 'targets'; readonly row: number; readonly index?: number; readonly value: number | string };
}

export function summarize(t: Tensor, role: TensorSummary['role'], name?: string, stats: ValueStats = valueStats(t.values)): TensorSummary {
  return {
    ...(name !== undefined ? { name } : {}),
    role,
    shape: [...t.shape],
    min: jsonNumber(stats.min),
    max: jsonNumber(stats.max),
    mean: jsonNumber(stats.mean),
    absMax: jsonNumber(stats.absMax),
    rms: jsonNumber(stats.rms),
    nonFinite: nonFiniteCount(stats),
  };
}

/** Copies of every parameter's values, by name. */
export type WeightSnapshot = Map<string, Float32Array | Float64Array>;

export function snapshotWeights(params: ReadonlyMap<string, Tensor>, into?: WeightSnapshot): WeightSnapshot {
  const snapshot: WeightSnapshot = into ?? new Map<string, Float32Array | Float64Array>();
  for (const [name, p] of params) {
    const values = p.values;
    const existing = snapshot.get(name);
    if (existing !== undefined && existing.length === values.length && existing.constructor === values.constructor) existing.set(values);
    else snapshot.set(name, values.slice());
  }
  return snapshot;
}

export function restoreWeights(params: ReadonlyMap<string, Tensor>, snapshot: WeightSnapshot): void {
  for (const [name, p] of params) {
    const values = snapshot.get(name);
    if (values === undefined) continue;
    p.assign(Tensor.fromValues(values.slice(), p.shape, p.dtype));
  }
}

/** Watches ops for the first non-finite output. Used by the trace and by the doctor's live trace mode. */
export class NonFiniteWatch {
  first: OpEvent | undefined;
  firstInputs: TensorSummary[] = [];
  firstOutput: TraceResult['output'];
  ops = 0;
  private readonly names = new Map<Tensor, { name: string; role: TensorSummary['role'] }>();
  /** Which op made each tensor seen so far, so an intermediate input can be named ('maximum in dense_1'). */
  private readonly producers = new WeakMap<Tensor, string>();
  private onFound: (() => void) | undefined;
  readonly hook = (event: OpEvent): void => {
    if (this.first !== undefined) return;
    this.ops++;
    const values = event.output.values;
    const index = firstNonFinite(values);
    if (index < 0) {
      this.producers.set(event.output, `${event.op} in ${event.scope === '' ? this.unscoped : event.scope}${event.phase === 'backward' ? ' (backward)' : ''}`);
      return;
    }
    this.first = event;
    const stats = valueStats(values);
    this.firstOutput = { ...summarize(event.output, 'intermediate', undefined, stats), nan: stats.nan, posInf: stats.posInf, negInf: stats.negInf, firstIndex: index };
    this.firstInputs = event.inputs.map((input) => {
      const known = this.names.get(input);
      return summarize(input, known?.role ?? 'intermediate', known?.name ?? this.producers.get(input));
    });
    this.onFound?.();
  };

  /**
   * `onFound` runs once, right after the first non-finite output is recorded. `unscoped` names
   * where ops outside any layer run ('the loss' in a training step, 'the optimizer update').
   */
  constructor(
    onFound?: () => void,
    private readonly unscoped = 'the loss',
  ) {
    this.onFound = onFound;
  }

  name(t: Tensor, name: string, role: TensorSummary['role']): void {
    this.names.set(t, { name, role });
  }

  nameOf(t: Tensor): string | undefined {
    return this.names.get(t)?.name;
  }

  attach(): this {
    engine.hooks.push(this.hook);
    return this;
  }

  detach(): void {
    removeHook(this.hook);
  }
}

export interface TraceStepOptions {
  readonly model: Module;
  readonly x: Tensor;
  readonly y: Tensor;
  readonly loss: LossFn;
  /** The weights before the step (default: the model's current weights). */
  readonly weights?: WeightSnapshot;
  readonly step: number;
  /** The data-set index of each example of the batch, to name a bad example by it. */
  readonly indices?: ArrayLike<number>;
}

/** The row (example along the first axis) holding the first non-finite value of `t`, and that value. */
function firstBadRow(t: Tensor): { row: number; value: number } | undefined {
  const values = t.values;
  const index = firstNonFinite(values);
  if (index < 0) return undefined;
  const perExample = t.shape.length === 0 ? 1 : Math.max(1, t.size / Math.max(t.shape[0], 1));
  return { row: Math.floor(index / perExample), value: values[index] };
}

/**
 * Re-runs one training step (forward, loss, backward) with a hook on every op, and returns the
 * first op whose output is not finite. The model's weights and gradients are restored afterwards.
 */
export function traceStep(options: TraceStepOptions): TraceResult {
  const { model, x, y, step } = options;
  const params = model.parameters();
  const saved = snapshotWeights(params);
  const savedGrads = new Map([...params].map(([name, p]) => [name, p.grad]));
  if (options.weights !== undefined) restoreWeights(params, options.weights);
  const nonFiniteWeights: string[] = [];
  const weightAbsMax: Record<string, number | string> = {};
  for (const [name, p] of params) {
    const s = valueStats(p.values);
    weightAbsMax[name] = jsonNumber(nonFiniteCount(s) > 0 ? (s.nan > 0 ? NaN : Infinity) : s.absMax);
    if (nonFiniteCount(s) > 0) nonFiniteWeights.push(name);
  }
  const watch = new NonFiniteWatch();
  for (const [name, p] of params) watch.name(p, name, 'parameter');
  watch.name(x, 'input', 'input');
  watch.name(y, 'targets', 'targets');
  const inputStats = valueStats(x.values);
  const targetStats = valueStats(y.values);
  let lossValue = NaN;
  const wasTraining = (model as { training?: boolean }).training !== false;
  try {
    // Data that already holds NaN/Inf explains everything after it: no op (and no learning rate) is to blame.
    const badInput = nonFiniteCount(inputStats) > 0 ? firstBadRow(x) : undefined;
    const bad = badInput !== undefined ? { tensor: 'input' as const, ...badInput } : nonFiniteCount(targetStats) > 0 ? { tensor: 'targets' as const, ...firstBadRow(y)! } : undefined;
    if (bad !== undefined) {
      const index = options.indices?.[bad.row];
      return {
        step,
        found: true,
        phase: 'input',
        inputs: [summarize(x, 'input', 'input', inputStats), summarize(y, 'targets', 'targets', targetStats)],
        badExample: { tensor: bad.tensor, row: bad.row, ...(index !== undefined ? { index } : {}), value: jsonNumber(bad.value) },
        nonFiniteGradients: [],
        nonFiniteWeights,
        weightAbsMax,
        loss: 'NaN',
        opsChecked: 0,
      };
    }
    model.train();
    for (const p of params.values()) p.zeroGrad();
    watch.attach();
    try {
      const output = model.apply(x);
      const value = options.loss(output, y);
      lossValue = value.size === 1 ? value.values[0] : NaN;
      value.backward();
    } catch {
      // A loss that throws on NaN input still leaves the watch's finding.
    } finally {
      watch.detach();
    }
    const nonFiniteGradients = [...params].filter(([, p]) => p.grad !== null && firstNonFinite(p.grad.values) >= 0).map(([name]) => name);
    const first = watch.first;
    const parameter = first?.inputs.map((t) => watch.nameOf(t)).find((n) => n !== undefined && n !== 'input' && n !== 'targets');
    const phase: TraceResult['phase'] = first === undefined ? (nonFiniteWeights.length > 0 ? 'weights' : 'none') : nonFiniteWeights.length > 0 ? 'weights' : first.phase;
    return {
      step,
      found: first !== undefined || nonFiniteWeights.length > 0,
      phase,
      ...(first !== undefined
        ? {
            op: first.op,
            scope: first.scope,
            layer: first.scope === '' ? 'loss' : first.scope,
            ...(parameter !== undefined ? { parameter } : {}),
            ...(watch.firstOutput !== undefined ? { output: watch.firstOutput } : {}),
          }
        : {}),
      inputs: watch.firstInputs,
      nonFiniteGradients,
      nonFiniteWeights,
      weightAbsMax,
      loss: jsonNumber(lossValue),
      opsChecked: watch.ops,
    };
  } finally {
    restoreWeights(params, saved);
    for (const [name, p] of params) p.grad = savedGrads.get(name) ?? null;
    if (!wasTraining) model.eval();
  }
}

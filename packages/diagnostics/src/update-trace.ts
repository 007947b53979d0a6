// Tracing a NaN that the optimizer's update made: the guard found a parameter (or the optimizer
// state) non-finite after the update while the loss and gradients were finite, so the forward and
// backward passes have nothing to show. The update is re-run op by op on the step's gradients, from
// a fresh optimizer state, and the first op whose output is not finite is named with its inputs —
// the magnitudes tell an overflow (huge values: a learning rate too high) from an optimizer that
// computes NaN itself (0/0 on values of a normal size), which no learning rate fixes.
import type { GradientTransformation } from '@keel/optimizers';
import { add, noGrad, Tensor, zerosLike } from '@keel/tensor';
import { finding, type Finding } from './findings.js';
import { fmt, jsonNumber } from './format.js';
import { firstNonFinite, valueStats } from './stats.js';
import { NonFiniteWatch, type TensorSummary, type TraceResult, type WeightSnapshot } from './trace.js';

/** Finite values at least this large are on their way to overflowing float32: an overflow, not a formula. */
export const HUGE = 1e6;

export interface TraceUpdateOptions {
  readonly transformation: GradientTransformation;
  /** The model's parameters (never changed: the re-run works on copies). */
  readonly params: ReadonlyMap<string, Tensor>;
  /** The step's gradients, by parameter (null: the loss does not reach it, a zero gradient). */
  readonly grads: ReadonlyMap<string, Tensor | null>;
  /**
   * The parameters' values before the step, when known (the doctor keeps a copy each step). Without
   * them the current values are used, their non-finite entries read as 0 (the values the update
   * started from are gone).
   */
  readonly weights?: WeightSnapshot;
  readonly step: number;
}

/** What re-running the optimizer's update found. */
export interface UpdateTraceResult {
  readonly step: number;
  /** True when the re-run produced a non-finite value. */
  readonly found: boolean;
  /** Where it did: in `init` (a fresh state), `update`, or adding the updates to the parameters ('apply'). */
  readonly stage?: 'init' | 'update' | 'apply';
  readonly op?: string;
  readonly output?: TraceResult['output'];
  /** The first non-finite op's inputs (gradients and parameters named). */
  readonly inputs: readonly TensorSummary[];
  /** The update, state or new parameter tensors that came out non-finite ('updates.dense_1/kernel', 'state.m', 'dense_1/kernel'). */
  readonly nonFinite: readonly string[];
  /** Largest |gradient| and largest finite |parameter| the re-run started from. */
  readonly gradAbsMax: number | string;
  readonly weightAbsMax: number | string;
  /** Parameters whose non-finite entries were read as 0 (no copy from before the step). */
  readonly zeroed: readonly string[];
  /** True when the first non-finite op had only finite inputs below `HUGE`: the optimizer computed it itself. */
  readonly fromFiniteInputs: boolean;
  /** What the re-run threw, if it threw. */
  readonly error?: string;
  readonly opsChecked: number;
}

/** Every tensor in an optimizer state (or update record), named as the guard names them ('state.0.trace.dense_1/kernel'). */
function* tensorsIn(value: unknown, path: string): Generator<[string, Tensor]> {
  if (value instanceof Tensor) {
    yield [path, value];
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const entries: Iterable<[unknown, unknown]> = Array.isArray(value) ? value.entries() : value instanceof Map ? (value as Map<unknown, unknown>).entries() : Object.entries(value);
  for (const [key, item] of entries) yield* tensorsIn(item, `${path}.${String(key)}`);
}

/**
 * Re-runs the optimizer's `init` and `update` on the step's gradients, and adds the updates to
 * copies of the parameters, with a hook on every op; returns the first op whose output is not
 * finite. The model, its gradients and the caller's optimizer state are not touched.
 */
export function traceUpdate(options: TraceUpdateOptions): UpdateTraceResult {
  const { transformation, step } = options;
  const params: Record<string, Tensor> = {};
  const grads: Record<string, Tensor> = {};
  const zeroed: string[] = [];
  let weightMax = 0;
  let gradMax = 0;
  for (const [name, p] of options.params) {
    const values = (options.weights?.get(name) ?? p.values).slice();
    let bad = false;
    for (let i = 0; i < values.length; i++) {
      if (Number.isFinite(values[i])) continue;
      values[i] = 0;
      bad = true;
    }
    if (bad) zeroed.push(name);
    const largest = valueStats(values).absMax;
    if (largest > weightMax) weightMax = largest;
    params[name] = Tensor.fromValues(values, p.shape, p.dtype);
    const g = options.grads.get(name) ?? null;
    grads[name] = g === null ? noGrad(() => zerosLike(p)) : g;
    const gLargest = g === null ? 0 : valueStats(g.values).absMax;
    if (gLargest > gradMax) gradMax = gLargest;
  }
  let stage: UpdateTraceResult['stage'] = 'init';
  let foundIn: UpdateTraceResult['stage'];
  const watch = new NonFiniteWatch(() => (foundIn = stage), 'the optimizer update');
  for (const [name, t] of Object.entries(params)) watch.name(t, name, 'parameter');
  for (const [name, t] of Object.entries(grads)) watch.name(t, `the gradient of ${name}`, 'gradient');
  const nonFinite: string[] = [];
  let error: string | undefined;
  watch.attach();
  try {
    noGrad(() => {
      const state = transformation.init(params);
      stage = 'update';
      const result = transformation.update(grads, state, params);
      for (const [name, t] of tensorsIn(result.state, 'state')) if (!allValuesFinite(t)) nonFinite.push(name);
      for (const [name, t] of tensorsIn(result.updates, 'updates')) if (!allValuesFinite(t)) nonFinite.push(name);
      stage = 'apply';
      for (const [name, p] of Object.entries(params)) {
        const u = (result.updates as Record<string, unknown> | undefined)?.[name];
        if (!(u instanceof Tensor)) continue;
        const next = add(p, u);
        if (!allValuesFinite(next)) nonFinite.push(name);
      }
    });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    watch.detach();
  }
  const first = watch.first;
  const inputs = watch.firstInputs;
  const fromFiniteInputs = first !== undefined && inputs.length > 0 && inputs.every((i) => i.nonFinite === 0 && typeof i.absMax === 'number' && i.absMax < HUGE);
  return {
    step,
    found: first !== undefined,
    ...(first !== undefined ? { stage: foundIn, op: first.op, ...(watch.firstOutput !== undefined ? { output: watch.firstOutput } : {}) } : {}),
    inputs,
    nonFinite,
    gradAbsMax: jsonNumber(gradMax),
    weightAbsMax: jsonNumber(weightMax),
    zeroed,
    fromFiniteInputs,
    ...(error !== undefined ? { error } : {}),
    opsChecked: watch.ops,
  };
}

function allValuesFinite(t: Tensor): boolean {
  return firstNonFinite(t.values) < 0;
}

/** What an op outside its domain does, in words. */
function domainCause(op: string): string {
  if (op === 'log') return 'the log of 0 or of a negative value';
  if (op === 'div' || op === 'reciprocal') return 'a division by 0 (0/0 is NaN)';
  if (op === 'sqrt' || op === 'rsqrt') return 'the square root of a negative value (or 1/√0)';
  if (op === 'exp' || op === 'pow') return `${op} of a value too large for float32`;
  return `${op} outside its domain (0·∞, ∞ − ∞)`;
}

export interface UpdateFindingInput {
  readonly trace: UpdateTraceResult;
  /** 'update' (a parameter after the update) or 'state' (the optimizer state). */
  readonly phase: 'update' | 'state';
  /** The parameter or state tensor the guard found non-finite. */
  readonly where: string;
  readonly epoch: number;
  readonly batchIndex: number;
  /** "optimizer 'att/nan2' (@att/opt2@1.0.0)", or 'the optimizer (a GradientTransformation)'. */
  readonly optimizer: string;
  readonly optimizerId?: string;
  readonly plugin?: string;
  /** The learning rate of the step (NaN when unknown: it is then left out of the words). */
  readonly lr: number;
  /** The learning-rate fix for an overflow ("lr 1e-4–1e-3 (or lrFinder)"). */
  readonly lrFix: string;
}

/**
 * The 'nan-produced' finding for a value the optimizer's update made, from the re-run of that
 * update: the op and its inputs; an overflow (huge values) gets the learning-rate advice, an
 * optimizer that computes NaN from values of a normal size is named as the cause instead.
 */
export function updateFinding(input: UpdateFindingInput): Finding {
  const { trace: t, optimizer, lr } = input;
  // explain() names the parameter first ("dense_1/kernel: the optimizer update made it ...")
  const where = input.phase === 'update' ? 'the optimizer update made it non-finite' : `the optimizer state ${input.where} became non-finite`;
  const rate = Number.isFinite(lr) ? ` (${fmt(lr)})` : '';
  const num = (v: number | string): string => (typeof v === 'number' ? fmt(v) : v);
  const sizes = `gradients up to ${num(t.gradAbsMax)}, weights up to ${num(t.weightAbsMax)}`;
  const zeroed = t.zeroed.length > 0 ? " (the weights' non-finite entries read as 0: the values before the update are gone)" : '';
  const rerun = `re-running the update of ${optimizer} from a fresh state on this step's gradients${zeroed}`;
  const inputsText = t.inputs
    .map((i) => `${i.name === undefined ? 'an intermediate value' : i.role === 'intermediate' ? `the output of ${i.name}` : i.name} ${i.shape.length > 0 ? `[${i.shape.join(', ')}] ` : ''}from ${num(i.min)} to ${num(i.max)}${i.nonFinite > 0 ? ` (${i.nonFinite} non-finite)` : ''}`)
    .join('; ');
  const what = t.output === undefined ? 'NaN/Inf' : t.output.nan > 0 && t.output.posInf + t.output.negInf === 0 ? 'NaN' : t.output.nan > 0 ? 'NaN and Infinity' : 'Infinity';
  const stageText = t.stage === 'apply' ? 'adding the updates to the parameters' : `its ${t.stage ?? 'update'}`;
  const found = t.found
    ? `${rerun}, the first non-finite value came from ${t.op} in ${stageText}: ${t.output !== undefined ? `${t.output.nan + t.output.posInf + t.output.negInf} ${what} value(s)` : what}; its inputs: ${inputsText || 'none'}`
    : t.error !== undefined
      ? `${rerun} threw (${t.error})`
      : `${rerun} stays finite (${sizes})`;
  const summary = `${where} at step ${t.step} (epoch ${input.epoch + 1}, batch ${input.batchIndex + 1}) while the loss and gradients were finite; ${found}`;
  const huge = (v: number | string): boolean => typeof v === 'number' && v >= HUGE;
  const overflow = huge(t.gradAbsMax) || huge(t.weightAbsMax) || t.inputs.some((i) => huge(i.absMax));
  const evidence = {
    step: t.step,
    epoch: input.epoch,
    batch: input.batchIndex,
    where: input.where,
    phase: input.phase,
    optimizer: input.optimizerId ?? null,
    plugin: input.plugin ?? null,
    op: t.op ?? null,
    stage: t.stage ?? null,
    lr,
    gradAbsMax: t.gradAbsMax,
    weightAbsMax: t.weightAbsMax,
    fromFiniteInputs: t.fromFiniteInputs,
    overflow,
    learningRateIsCause: overflow,
    traced: t.found,
  };
  const base = { code: 'nan-produced', severity: 'error', source: 'trace', step: t.step, ...(input.phase === 'update' ? { parameter: input.where } : {}), summary, evidence } as const;
  if (overflow) {
    return finding({
      ...base,
      cause: `the update overflowed float32 (${sizes}${t.found ? `; ${t.op}'s inputs reach ${t.inputs.map((i) => num(i.absMax)).join(' and ')}` : ''}): the learning rate${rate} is too high for these values, or the optimizer's state grew huge`,
      fix: `${input.lrFix}; clip the gradients (clipByGlobalNorm)`,
    });
  }
  if (t.found && t.op !== undefined) {
    const constant = t.fromFiniteInputs ? '' : ' (one input was already non-finite though the gradients and weights are not: a constant in its code, such as NaN, or 1e300, which is Infinity in float32)';
    return finding({
      ...base,
      cause: `${optimizer} computes it itself: ${t.op} on values of a normal size (${sizes}) gave ${what} — ${domainCause(t.op)}${constant}; the learning rate${rate} is not the cause`,
      fix: `fix the ${t.stage === 'init' ? 'init' : 'update'} of ${optimizer}: keep the ${t.op}'s input inside its domain (add an eps, clip)${input.plugin !== undefined && !input.plugin.startsWith('@keel/') ? `, or report it to the author of ${input.plugin}` : ''}; until then train with another optimizer`,
    });
  }
  return finding({
    ...base,
    cause: `this step's values are of a normal size (${sizes}) and a fresh state does not reproduce it, so it comes from the state ${optimizer} built up over earlier steps (momentum, moment estimates), which the guard found finite after each of them: its update divides by, or multiplies with, an accumulated value that went out of range`,
    fix: `check how the update of ${optimizer} uses its state (a running value that reaches 0 under a division or a square root, or one that grows without bound)`,
  });
}

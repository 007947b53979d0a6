import { allFinite, Tensor } from '@keel/tensor';

/** What the guard found non-finite. */
/** What the guard found non-finite: the loss, a gradient, a parameter after the update, the optimizer state, or a parameter before training. */
export type NumericsPhase = 'loss' | 'gradient' | 'update' | 'state' | 'weights';

/** The batch of the failing step, left alive for the error handler (see `NumericsError.batch`). */
export interface FailingBatch {
  readonly x: Tensor;
  readonly y: Tensor;
}

export interface NumericsDetails {
  /** The batch index within the epoch (0-based). */
  readonly batch?: number;
  readonly phase?: NumericsPhase;
  /** The index of the first non-finite value in the tensor named by `where`, and that value. */
  readonly index?: number;
  readonly value?: number;
  readonly failingBatch?: FailingBatch;
  /** The learning rate of the failing step, when known. */
  readonly learningRate?: number;
}

/** Training stopped because a value became NaN or infinite; says where and what to try. */
export class NumericsError extends Error {
  readonly step: number;
  readonly epoch: number;
  /**
   * What was not finite: 'loss'; a parameter ('dense_1/kernel') whose gradient (phase 'gradient')
   * or new value after the optimizer update (phase 'update') was not; or an optimizer-state tensor
   * ('state.0.trace.dense_1/kernel', phase 'state', named as in optimizer.safetensors).
   */
  readonly where: string;
  readonly phase: NumericsPhase;
  /** The batch index within the epoch (0-based), when a step was running. */
  readonly batchIndex: number | undefined;
  readonly index: number | undefined;
  readonly value: number | undefined;
  /**
   * The inputs and targets of the failing step, when the guard stopped inside a step. `fit` does
   * not free a failed step's tensors (it abandons the step's allocation scope), so these stay
   * readable: a handler can re-run the step op by op (`traceStep` in @keel/diagnostics) to name the
   * op that produced the value. Dispose them when done.
   */
  readonly batch: FailingBatch | undefined;
  /** The learning rate of the failing step, when known. */
  readonly learningRate: number | undefined;

  constructor(message: string, step: number, epoch: number, where: string, details: NumericsDetails = {}) {
    super(message);
    this.name = 'NumericsError';
    this.step = step;
    this.epoch = epoch;
    this.where = where;
    this.phase = details.phase ?? (where === 'loss' ? 'loss' : 'gradient');
    this.batchIndex = details.batch;
    this.index = details.index;
    this.value = details.value;
    this.batch = details.failingBatch;
    this.learningRate = details.learningRate;
  }
}

const advice =
  'Likely causes: a learning rate too high for this model, inputs that are not normalised (e.g. raw 0–255 pixels), ' +
  'a loss summed instead of averaged over the batch, a loss computed from probabilities that reach 0 or 1 (log(0): use a from-logits loss), ' +
  "or a probabilities-vs-logits mismatch. Run @keel/diagnostics' doctor (or `keel doctor`) to find the first op that produced it.";

/** The example (row along the first axis) of a batch tensor holding its first non-finite value. */
export function firstBadExample(t: Tensor): { row: number; value: number } | undefined {
  if (allFinite(t)) return undefined;
  const found = nonFiniteIn(t.borrowValues());
  if (found === undefined) return undefined;
  const perExample = t.shape.length === 0 ? 1 : Math.max(1, t.size / Math.max(t.shape[0], 1));
  return { row: Math.floor(found.index / perExample), value: found.value };
}

/**
 * What to try after a non-finite loss or gradient: a batch that already holds NaN/Inf is the data's
 * fault (checked first: no learning rate fixes it); else the usual suspects.
 */
function stepAdvice(batch: FailingBatch | undefined): string {
  if (batch !== undefined) {
    for (const [what, t] of [['inputs', batch.x], ['targets', batch.y]] as const) {
      if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
      const bad = firstBadExample(t);
      if (bad === undefined) continue;
      return (
        `The ${what} of row ${bad.row} of this batch (an example of the data set) hold ${bad.value}: the data has missing or invalid values, and the learning rate is not the cause. ` +
        `Remove or repair the examples with NaN or infinite ${what === 'inputs' ? 'features' : 'labels'} before training.`
      );
    }
  }
  return advice;
}

/** Beyond this size a finite value is on its way to overflowing float32 (what the doctor calls huge). */
const HUGE = 1e6;

/**
 * What to try when the optimizer update left a non-finite value (in a parameter or in its state)
 * while the loss and gradients were finite, judged by the values left beside it: an Infinity, or
 * finite values that are huge, is an overflow (a learning rate too high, a state grown huge); NaN
 * among values of a normal size (or NaN everywhere) was computed by the update itself (0/0, the
 * square root of a negative), which no learning rate fixes.
 */
function updateAdvice(values: ArrayLike<number>, found: { value: number; count: number }): string {
  let largest = 0;
  let infinite = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
    else if (!Number.isNaN(v)) infinite = true;
  }
  if (infinite || largest >= HUGE) {
    return (
      `${infinite ? 'Infinity' : `Values up to ${largest.toPrecision(3)}`} after a finite step: the update overflowed float32 (or divided by 0): ` +
      'a learning rate too high, or optimizer state (momentum, moments) that had grown huge. ' +
      'Lower the learning rate, clip the gradients (clipByGlobalNorm), or resume from an earlier checkpoint.'
    );
  }
  return (
    `${found.count === values.length ? 'NaN in every value' : `NaN among finite values of a normal size (up to ${largest.toPrecision(3)})`} is not an overflow: ` +
    'the optimizer computed it (a 0/0, the square root of a negative, NaN in its own state), and a lower learning rate would not help. ' +
    "Check the optimizer's init/update (a plugin's); `keel train` and @keel/diagnostics' doctor re-run the update op by op and name the op."
  );
}

/** Where the first non-finite value of `values` is, and how many there are. */
export function nonFiniteIn(values: ArrayLike<number>): { index: number; value: number; count: number } | undefined {
  let index = -1;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      if (index < 0) index = i;
      count++;
    }
  }
  return index < 0 ? undefined : { index, value: values[index], count };
}

function describe(found: { index: number; value: number; count: number }): string {
  return `${found.count} non-finite value(s), the first ${found.value} at index ${found.index}`;
}

function stepLabel(step: number, epoch: number, batch: number): string {
  return `step ${step} (epoch ${epoch + 1}, batch ${batch + 1})`;
}

function layerOf(name: string): string {
  return name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name;
}

/**
 * The cheap guard `fit` runs each step: the loss and every gradient must be finite. The check runs
 * on the gradients' backend (one scalar back per parameter); values are read only to explain a failure.
 */
export function checkStep(
  loss: Tensor,
  grads: ReadonlyMap<string, Tensor | null>,
  step: number,
  epoch: number,
  batch: number,
  failing: { readonly batch?: FailingBatch; readonly learningRate?: number } = {},
): void {
  const value = loss.borrowValues()[0];
  const where = stepLabel(step, epoch, batch);
  const context: NumericsDetails = { batch, ...(failing.batch === undefined ? {} : { failingBatch: failing.batch }), ...(failing.learningRate === undefined ? {} : { learningRate: failing.learningRate }) };
  if (!Number.isFinite(value)) {
    throw new NumericsError(`${where}: the loss is ${value}. ${stepAdvice(failing.batch)}`, step, epoch, 'loss', { ...context, phase: 'loss', index: 0, value });
  }
  for (const [name, grad] of grads) {
    if (grad === null || allFinite(grad)) continue;
    const found = nonFiniteIn(grad.borrowValues());
    if (found === undefined) continue;
    throw new NumericsError(
      `${where}: the gradient of ${name} (layer ${layerOf(name)}) has ${describe(found)}, while the loss was ${value}. ${stepAdvice(failing.batch)}`,
      step,
      epoch,
      name,
      { ...context, phase: 'gradient', index: found.index, value: found.value },
    );
  }
}

/**
 * After the optimizer update: every parameter must still be finite (one `allFinite` per
 * parameter). `learningRate` is the rate the update used, for the message.
 */
export function checkParameters(params: ReadonlyMap<string, Tensor>, step: number, epoch: number, batch: number, learningRate: number): void {
  for (const [name, p] of params) {
    if (allFinite(p)) continue;
    const found = nonFiniteIn(p.borrowValues());
    if (found === undefined) continue;
    throw new NumericsError(
      `${stepLabel(step, epoch, batch)}: the optimizer update made ${name} (layer ${layerOf(name)}) non-finite: ${describe(found)} ` +
        `(the loss and gradients of the step were finite; learning rate ${learningRate}). ${updateAdvice(p.values, found)}`,
      step,
      epoch,
      name,
      { batch, phase: 'update', index: found.index, value: found.value, learningRate },
    );
  }
}

/** Every tensor (and Float32Array/Float64Array) in an optimizer state, named as optimizer.safetensors names it ('state.0.mu.dense_1/kernel'). */
function* stateTensors(value: unknown, path: string): Generator<[string, Tensor | Float32Array | Float64Array]> {
  if (value instanceof Tensor || value instanceof Float32Array || value instanceof Float64Array) {
    yield [path, value];
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* stateTensors(value[i], `${path}.${i}`);
  } else if (value instanceof Map) {
    for (const [key, item] of value as Map<unknown, unknown>) yield* stateTensors(item, `${path}.${String(key)}`);
  } else {
    for (const [key, item] of Object.entries(value)) yield* stateTensors(item, `${path}.${key}`);
  }
}

/**
 * The optimizer state must be finite: every tensor in it (momentum, Adam's moments ...). `when`
 * says which state ('the optimizer state passed to fit (optimizerState)' before the first step,
 * or 'after the optimizer update of step 12 (epoch 1, batch 13)'). Numbers in the state are not
 * checked: some are legitimately infinite (reduceOnPlateau's best before the first report).
 */
export function checkOptimizerState(state: unknown, when: string, step: number, epoch: number, batch?: number): void {
  for (const [name, t] of stateTensors(state, 'state')) {
    if (t instanceof Tensor && allFinite(t)) continue;
    const found = nonFiniteIn(t instanceof Tensor ? t.borrowValues() : t);
    if (found === undefined) continue;
    const resumed = batch === undefined;
    throw new NumericsError(
      `${when}: the optimizer state ${name} has ${describe(found)}. ` +
        (resumed
          ? 'The state was saved after training diverged, or was damaged: resume from an earlier checkpoint, or start without this optimizer state.'
          : updateAdvice(t instanceof Tensor ? t.values : t, found)),
      step,
      epoch,
      name,
      { phase: 'state', index: found.index, value: found.value, ...(batch === undefined ? {} : { batch }) },
    );
  }
}

/** The model's parameters before the first step: a non-finite one (a damaged or diverged model) stops training at once. */
export function checkInitialParameters(params: ReadonlyMap<string, Tensor>, step: number, epoch: number): void {
  for (const [name, p] of params) {
    if (allFinite(p)) continue;
    const found = nonFiniteIn(p.borrowValues());
    if (found === undefined) continue;
    throw new NumericsError(
      `before step ${step}: the parameter ${name} (layer ${layerOf(name)}) already has ${describe(found)}; ` +
        'the model was loaded or built with broken weights: rebuild it, or load an earlier checkpoint.',
      step,
      epoch,
      name,
      { phase: 'weights', index: found.index, value: found.value },
    );
  }
}

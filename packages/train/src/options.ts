import type { Dataset, Example } from '@keel/data';
import type { LossFn, LossId } from '@keel/losses';
import type { GradientTransformation, OptimizerId, Schedule } from '@keel/optimizers';
import { checkOptions, optionField, type OptionField, type OptionFields, type Registry } from '@keel/registry';
import type { CallbackArg } from './callbacks/resolve-callbacks.js';
import { describeArgument } from './describe.js';
import type { Metric, MetricId } from './metrics/metric.js';

/**
 * A loss by registry id (`'softmaxCrossEntropy'`), with config, or a loss function. The id is a
 * `LossId`: a typo is a compile error; narrow a runtime string with `registry.idOf('loss', id)`.
 */
export type LossArg = LossId | { readonly id: LossId; readonly [option: string]: unknown } | LossFn;

/**
 * An optimizer by id (`'adam'`), with config (`{ id: 'sgd', lr: 0.1, momentum: 0.9 }`), or a ready
 * transformation. The id is an `OptimizerId`: narrow a runtime string with `registry.idOf('optimizer', id)`.
 */
export type OptimizerArg = OptimizerId | { readonly id: OptimizerId; readonly lr?: number | Schedule; readonly [option: string]: unknown } | GradientTransformation;

export interface FitOptions {
  loss: LossArg;
  optimizer: OptimizerArg;
  /** Default 1. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Reshuffle the training data each epoch (default true; seeded by `seed`). */
  shuffle?: boolean;
  /** Seeds shuffling (the model's own seed sets its initial weights). Default 0. */
  seed?: number;
  /** Data to evaluate after each epoch (logged as val_loss, val_<metric>). */
  validation?: Dataset<Example>;
  /** Metric ids ('accuracy', 'f1', ...) or Metric objects; default ['accuracy'] for classification losses. */
  metrics?: readonly (MetricId | Metric)[];
  /** Callback objects, or callbacks by id ('progress', { id: 'earlyStopping', patience: 3 }). */
  callbacks?: readonly CallbackArg[];
  /** Where loss/optimizer/metric ids are looked up; default: the model's registry or the default one. */
  registry?: Registry;
  /**
   * The numerics guard: stop at the first non-finite loss or gradient with an error naming the step,
   * layer and parameter (default true; it costs one pass over the gradients per step).
   */
  guard?: boolean;
  /** Start counting epochs here (resuming a saved run). */
  initialEpoch?: number;
  /** Optimizer state to resume from (as `fit` returned or a checkpoint restored it). */
  optimizerState?: unknown;
  /** Stops training cleanly after the current batch when aborted (Ctrl-C). */
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// Checks of the options fit, evaluate and predict take: every bad value is an error that names
// the function, the option, the value and what to pass — never a silent no-op or a quiet default.
// ---------------------------------------------------------------------------------------------

function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value));
}

/** A whole number >= min, or the default when the option was not given. */
function wholeOption(owner: string, name: string, value: unknown, fallback: number, min: number, example: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${owner}: ${name} must be a whole number >= ${min}, got ${shown(value)} (e.g. ${name}: ${example})`);
  }
  return value;
}

/** An option whose value is checked where it is used (a loss, a data set, a callback list). */
const checkedLater = (expected: string, required = false): OptionField => ({ expected, required, accepts: () => true });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
/** A Registry from @keel/registry (any copy of it: checked by shape, not by class). */
const registryField: OptionField = { expected: 'a Registry (from @keel/registry)', accepts: (v) => isObject(v) && typeof v.resolve === 'function' && typeof v.use === 'function' };
/** Metrics and callbacks: an array, its items checked one by one where they are resolved. */
const arrayField = (expected: string): OptionField => ({ expected, accepts: (v) => Array.isArray(v) });

const FIT_OPTIONS: OptionFields = {
  loss: checkedLater("a loss id such as 'sparseSoftmaxCrossEntropy', { id, ...config } or a loss function", true),
  optimizer: checkedLater("an optimizer id such as 'adam', { id, lr, ... } or a GradientTransformation", true),
  epochs: checkedLater('a whole number >= 1'),
  batchSize: checkedLater('a whole number >= 1'),
  shuffle: optionField.boolean(),
  // the shuffle seed, as every Keel seed: 0 to 2^32 - 1, never folded onto another one
  seed: optionField.integer(0, 0xffffffff),
  validation: checkedLater('a Dataset'),
  metrics: arrayField("an array of metric ids or Metric objects, e.g. ['accuracy']"),
  callbacks: arrayField("an array of callbacks, e.g. [progress()] or ['progress']"),
  registry: registryField,
  guard: optionField.boolean(),
  initialEpoch: checkedLater('a whole number >= 0'),
  optimizerState: checkedLater("an optimizer state from fit's result or a checkpoint"),
  // an unchecked string or {} here would be read as "never aborted": Ctrl-C would do nothing
  signal: { expected: 'an AbortSignal (e.g. new AbortController().signal)', accepts: (v) => isObject(v) && typeof v.aborted === 'boolean' },
};

const EVALUATE_OPTIONS: OptionFields = {
  loss: checkedLater("a loss id such as 'sparseSoftmaxCrossEntropy', { id, ...config } or a loss function"),
  metrics: arrayField("an array of metric ids or Metric objects, e.g. ['accuracy']"),
  predictions: optionField.choice(['logits', 'probabilities', 'real']),
  batchSize: checkedLater('a whole number >= 1'),
  registry: registryField,
};

const PREDICT_OPTIONS: OptionFields = { batchSize: checkedLater('a whole number >= 1') };

/**
 * fit's options: no unknown key (a typo such as `epoch: 5` would silently train 1 epoch), shuffle and
 * guard true or false, seed a whole number from 0 to 2^32 - 1, metrics and callbacks arrays, registry
 * a Registry, signal an AbortSignal. The other values are checked where they are used.
 */
export function checkFitOptions(options: unknown): FitOptions {
  if (options === undefined) {
    throw new TypeError("fit: the options are missing; pass at least a loss and an optimizer, e.g. fit(model, data, { loss: 'sparseSoftmaxCrossEntropy', optimizer: 'adam', epochs: 5 })");
  }
  checkOptions('fit', options, FIT_OPTIONS);
  return options as FitOptions;
}

/** evaluate's options (left out: `{}`, which then asks for a loss or metrics): no unknown key, predictions one of its three words. */
export function checkEvaluateOptions<T>(options: T | undefined): T {
  if (options === undefined) return {} as T;
  checkOptions('evaluate', options, EVALUATE_OPTIONS);
  return options;
}

/** predict's third argument: a batch size, or `{ batchSize }`. */
export function checkPredictOptions(options: unknown): number {
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) {
    checkOptions('predict', options, PREDICT_OPTIONS);
    return checkBatchSize('predict', (options as { batchSize?: unknown }).batchSize, 256);
  }
  return checkBatchSize('predict', options, 256);
}

/** The number of examples of a data set, checked to be a Dataset with at least one example. */
export function checkDataset(owner: string, what: string, data: unknown): number {
  const length = (data as { length?: unknown } | null | undefined)?.length;
  if (typeof data !== 'object' || data === null || typeof (data as { get?: unknown }).get !== 'function' || typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
    const bad = typeof length === 'number' && typeof (data as { get?: unknown }).get === 'function' ? ` (its length is ${length}, not a whole number of examples)` : '';
    throw new TypeError(`${owner}: ${what} must be a Dataset (an object with length and get(i), such as an ArrayDataset), got ${describeArgument(data)}${bad}`);
  }
  if (length === 0) throw new RangeError(`${owner}: ${what} has 0 examples; pass a data set with at least one example`);
  return length;
}

/** A batch size: a whole number >= 1 (default `fallback`). */
export function checkBatchSize(owner: string, value: unknown, fallback: number): number {
  return wholeOption(owner, 'batchSize', value, fallback, 1, '32');
}

/** fit's epoch counts, checked before anything runs. */
export function checkEpochs(options: Pick<FitOptions, 'epochs' | 'initialEpoch'>): { epochs: number; initialEpoch: number } {
  const epochs = wholeOption('fit', 'epochs', options.epochs, 1, 1, '10');
  const initialEpoch = wholeOption('fit', 'initialEpoch', options.initialEpoch, 0, 0, '0');
  if (initialEpoch >= epochs) {
    // nothing would run: a silent no-op hides a resume that was meant to add epochs
    throw new RangeError(
      `fit: initialEpoch ${initialEpoch} is not before epochs ${epochs}, so there is nothing to train: epochs is the total to reach, not the number to add; ` +
        `to train ${epochs} more epoch(s) after ${initialEpoch}, pass epochs: ${initialEpoch + epochs}`,
    );
  }
  return { epochs, initialEpoch };
}

/**
 * A learning rate the optimizer is about to use: a rate given as a number must be positive and
 * finite; a schedule's value must be finite and >= 0 (0 is a point of many warm-ups and decays).
 * A negative rate would climb the loss; NaN or Infinity would destroy the weights. `where` is the
 * optimizer for a number ("optimizer 'sgd'"), the step for a schedule or callback.
 */
export function checkLearningRate(value: unknown, source: 'number' | 'schedule' | 'callback', where: string): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (source === 'number' ? value > 0 : value >= 0);
  if (ok) return value;
  if (source === 'number') throw new RangeError(`${where}: lr must be a positive, finite number, got ${shown(value)} (e.g. lr: 0.01)`);
  const from = source === 'schedule' ? 'the learning-rate schedule' : 'a callback that sets the learning rate (learningRateScheduler)';
  throw new RangeError(`fit: ${from} gave ${shown(value)} at ${where}; a learning rate must be a finite number >= 0 (negative rates climb the loss): fix the schedule`);
}

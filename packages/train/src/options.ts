import type { Dataset, Example } from '@keel/data';
import type { LossFn } from '@keel/losses';
import type { GradientTransformation, Schedule } from '@keel/optimizers';
import type { Registry } from '@keel/registry';
import type { Callback } from './callbacks/callback.js';
import type { Metric } from './metrics/metric.js';

/** A loss by registry id (`'softmaxCrossEntropy'`), with config, or a loss function. */
export type LossArg = string | { readonly id: string; readonly [option: string]: unknown } | LossFn;

/** An optimizer by id (`'adam'`), with config (`{ id: 'sgd', lr: 0.1, momentum: 0.9 }`), or a ready transformation. */
export type OptimizerArg = string | { readonly id: string; readonly lr?: number | Schedule; readonly [option: string]: unknown } | GradientTransformation;

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
  metrics?: readonly (string | Metric)[];
  callbacks?: readonly Callback[];
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

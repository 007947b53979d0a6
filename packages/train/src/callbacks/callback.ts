import type { Module } from '@keel/layers';
import type { IdOf, OptionFields } from '@keel/registry';
import type { History } from '../history.js';

/**
 * A callback id the compiler knows: Keel's (`BuiltinCallbackId`) and any a plugin declared in
 * `RegisteredIds`. `fit`'s `callbacks` take these (alone or as `{ id, ...config }`).
 */
export type CallbackId = IdOf<'callback'>;

/** Numbers logged per batch or epoch: loss, metrics, val_loss, val_<metric>, lr, seconds. */
export type Logs = Record<string, number>;

/** What callbacks can read and steer while `fit` runs. */
export interface TrainingState {
  readonly model: Module;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly samplesPerEpoch: number;
  /** The epoch being run (0-based) and the optimizer steps taken so far in the whole run. */
  epoch: number;
  step: number;
  /** The learning rate of the next step; LR callbacks change it through `learningRateScale` or `learningRateOverride`. */
  learningRate: number;
  /** Multiplies the optimizer's own schedule (reduce-on-plateau lowers it). */
  learningRateScale: number;
  /** Replaces the schedule entirely: (epoch, step) -> lr. */
  learningRateOverride: ((epoch: number, step: number) => number) | undefined;
  /** Set to true to stop after the current batch. */
  stopTraining: boolean;
  /** The optimizer's id and config (when given by id) and its current state, for checkpoints. */
  optimizer: { readonly id: string | undefined; readonly config: Readonly<Record<string, unknown>>; state: unknown };
  /** The shuffling seed of the run. */
  readonly seed: number;
  readonly history: History;
}

/** Hooks into the training loop. Every hook may be async. */
export interface Callback {
  readonly name: string;
  onTrainBegin?(state: TrainingState): void | Promise<void>;
  onEpochBegin?(epoch: number, state: TrainingState): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, state: TrainingState): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, state: TrainingState): void | Promise<void>;
  onTrainEnd?(state: TrainingState): void | Promise<void>;
}

/** A callback plugin entry (kind 'callback'). */
export interface CallbackEntry {
  readonly id: string;
  readonly override?: boolean;
  readonly description: string;
  /**
   * Every option `create` takes, declared once with a check, a one-line description and the
   * default (`declareOption` from @keel/registry): a callback given by id (`{ id, ...config }`) is
   * checked against them before training starts, and `keel plugins --describe` lists them.
   */
  readonly options?: OptionFields;
  readonly create: (config: Readonly<Record<string, unknown>>) => Callback;
}

declare module '@keel/registry' {
  interface KindEntries {
    callback: CallbackEntry;
  }
}

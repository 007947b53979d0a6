// model.json's `training` section as `keel train` writes it, read back field by field: where the
// run stopped, its test scores, the logs of each epoch (what --plot draws), the data it trained on
// and every setting a resume changed. An unknown field or a value of the wrong type or range is an
// error naming the file and field: it is never dropped, plotted or saved back as it is.
import { describeValue, nearestId } from '@keel/registry';
import type { Logs } from '@keel/train';
import { CliError, EXIT } from '../errors.js';

/** The size of the data set an epoch of the run went through: training and held-out examples, and the test set. */
export interface DataRecord {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** A setting a resumed run changed: from `epoch` (1-based) on, `setting` was `now` instead of `was` (null: not set). */
export interface SettingChange {
  readonly epoch: number;
  readonly setting: string;
  readonly was: unknown;
  readonly now: unknown;
}

/** The training section of a model `keel train` saved. */
export interface TrainingRecord {
  readonly epoch: number;
  readonly step: number;
  readonly seed: number;
  readonly testAccuracy?: number | null;
  readonly testLoss?: number | null;
  /** One entry per complete epoch: `epoch` (1-based), `loss`, and `accuracy`, `lr`, `seconds`, `val_loss`, `val_accuracy` when logged. */
  readonly history: readonly Logs[];
  /** Files saved before it was recorded have none. */
  readonly data?: DataRecord;
  readonly changes: readonly SettingChange[];
}

const TRAINING_KEYS = ['epoch', 'step', 'seed', 'testAccuracy', 'testLoss', 'history', 'data', 'changes'];
const HISTORY_KEYS = ['epoch', 'loss', 'accuracy', 'lr', 'seconds', 'val_loss', 'val_accuracy'];
const DATA_KEYS = ['train', 'validation', 'test'];
const CHANGE_KEYS = ['epoch', 'setting', 'was', 'now'];

/** The largest finite float32, the precision losses and rates are computed in. */
const FLOAT32_MAX = 3.4028234663852886e38;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const wholeFrom = (min: number) => (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= min;
const fraction = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
const float32Value = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= FLOAT32_MAX;
const LOSS = 'a finite number (a float32, at most about 3.4e38)';

/**
 * Checks `training` (the parsed section of `where`, a model.json) and returns it typed. The
 * library has checked `epoch`, `step` and `seed` already; resuming checks them against the run.
 */
export function readTrainingRecord(training: unknown, where: string): TrainingRecord {
  const bad = (message: string): never => {
    throw new CliError(`${where}: ${message}; the file was edited or damaged (restore the model.json saved with these weights, or train a new model)`, EXIT.failure);
  };
  const expect = (ok: boolean, path: string, value: unknown, what: string): void => {
    if (!ok) bad(`${path} is ${value === undefined ? 'missing' : describeValue(value)}; expected ${what}`);
  };
  const keys = (record: Record<string, unknown>, path: string, valid: readonly string[]): void => {
    for (const key of Object.keys(record)) {
      if (valid.includes(key)) continue;
      const near = nearestId(key, valid);
      bad(`unknown field ${path}.${key}${near === undefined ? '' : `; did you mean ${path}.${near}?`} (valid: ${valid.join(', ')})`);
    }
  };
  if (!isRecord(training)) return bad(`training is ${describeValue(training)}; expected an object such as { epoch, step, seed, history }`);
  keys(training, 'training', TRAINING_KEYS);
  const { epoch, step, seed } = training as { epoch: number; step: number; seed: number };
  for (const key of ['testAccuracy', 'testLoss'] as const) {
    const value = training[key];
    if (value === undefined || value === null) continue;
    expect(key === 'testAccuracy' ? fraction(value) : float32Value(value), `training.${key}`, value, key === 'testAccuracy' ? 'a fraction from 0 to 1, or null' : `${LOSS}, or null`);
  }

  const history = training.history ?? [];
  if (!Array.isArray(history)) return bad(`training.history is ${describeValue(history)}; expected a list of the logs of each epoch ({ epoch, loss, accuracy, ... })`);
  let previous = 0;
  history.forEach((entry, i) => {
    const path = `training.history[${i}]`;
    if (!isRecord(entry)) return expect(false, path, entry, 'the logs of an epoch ({ epoch, loss, accuracy, ... })');
    keys(entry, path, HISTORY_KEYS);
    expect(wholeFrom(1)(entry.epoch) && (entry.epoch as number) <= epoch, `${path}.epoch`, entry.epoch, `the epoch it logs, a whole number from 1 to ${epoch} (training.epoch)`);
    if ((entry.epoch as number) <= previous) bad(`${path}.epoch is ${entry.epoch as number}, not after ${previous} (training.history[${i - 1}].epoch); the epochs must increase`);
    previous = entry.epoch as number;
    expect(float32Value(entry.loss), `${path}.loss`, entry.loss, LOSS);
    if (entry.val_loss !== undefined) expect(float32Value(entry.val_loss), `${path}.val_loss`, entry.val_loss, LOSS);
    for (const key of ['accuracy', 'val_accuracy']) if (entry[key] !== undefined) expect(fraction(entry[key]), `${path}.${key}`, entry[key], 'a fraction from 0 to 1');
    if (entry.lr !== undefined) expect(float32Value(entry.lr) && (entry.lr as number) > 0, `${path}.lr`, entry.lr, 'a learning rate > 0 (a float32)');
    if (entry.seconds !== undefined) expect(typeof entry.seconds === 'number' && Number.isFinite(entry.seconds) && entry.seconds >= 0, `${path}.seconds`, entry.seconds, 'a number of seconds >= 0');
  });

  let data: DataRecord | undefined;
  if (training.data !== undefined) {
    const d = training.data;
    if (!isRecord(d)) return bad(`training.data is ${describeValue(d)}; expected the size of the data set trained on ({ train, validation, test })`);
    keys(d, 'training.data', DATA_KEYS);
    expect(wholeFrom(1)(d.train), 'training.data.train', d.train, 'the number of examples trained on per epoch, a whole number >= 1');
    for (const key of ['validation', 'test']) expect(wholeFrom(0)(d[key]), `training.data.${key}`, d[key], 'a number of examples, a whole number >= 0');
    data = d as unknown as DataRecord;
  }

  const changes = training.changes ?? [];
  if (!Array.isArray(changes)) return bad(`training.changes is ${describeValue(changes)}; expected a list of the settings resumed runs changed ({ epoch, setting, was, now })`);
  changes.forEach((change, i) => {
    const path = `training.changes[${i}]`;
    if (!isRecord(change)) return expect(false, path, change, 'a setting a resumed run changed ({ epoch, setting, was, now })');
    keys(change, path, CHANGE_KEYS);
    expect(wholeFrom(1)(change.epoch) && (change.epoch as number) <= epoch, `${path}.epoch`, change.epoch, `the first epoch run with the change, a whole number from 1 to ${epoch} (training.epoch)`);
    expect(typeof change.setting === 'string' && /^[A-Za-z]+$/.test(change.setting), `${path}.setting`, change.setting, "the name of a run setting, such as 'seed'");
    for (const key of ['was', 'now']) if (!Object.hasOwn(change, key)) expect(false, `${path}.${key}`, undefined, 'its value (null when not set)');
  });

  return {
    epoch,
    step,
    seed,
    ...(training.testAccuracy === undefined ? {} : { testAccuracy: training.testAccuracy as number | null }),
    ...(training.testLoss === undefined ? {} : { testLoss: training.testLoss as number | null }),
    history: history as Logs[],
    ...(data === undefined ? {} : { data }),
    changes: changes as SettingChange[],
  };
}

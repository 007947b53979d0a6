// The data a resumed run trains on, against the data the saved run trained on. Another set (another
// --data, or the saved directory's files changed since) is refused unless --switch-data says so,
// and then announced and recorded; either way the message says what changed (the saved set and its
// size against the new one) instead of blaming model.json for steps that no longer add up.
import { join, resolve } from 'node:path';
import { CliError, EXIT, usageError } from '../errors.js';
import { count } from '../format.js';
import type { Preprocessing } from '../data.js';
import type { RunSettings, TrainConfig } from './config.js';
import { trainSizeWith, type RunData } from './data.js';
import { sameDirectory } from './output-dir.js';
import { checkStep } from './resume.js';
import type { DataRecord } from './training-record.js';

/** The flag that lets a resumed run go on training on another data set than the saved one. */
export const SWITCH_DATA_FLAG = 'switch-data';

/** What a run's data amounts to, as the training record keeps it. */
export function dataRecord(data: RunData): DataRecord {
  return { train: data.train.length, validation: data.validation?.length ?? 0, test: data.test.length };
}

/** The saved run's data as far as it is known: where, and its size when recorded. */
export interface SavedData {
  readonly pre: Pick<Preprocessing, 'task' | 'dataDir'>;
  readonly record: DataRecord | undefined;
  readonly run: RunSettings;
  readonly progress: { readonly epoch: number; readonly step: number };
}

const name = (task: string, dataDir: string | undefined): string => dataDir ?? (task === 'mnist' ? 'MNIST' : task);
const steps = (n: number, batchSize: number): string => `${count(n)} step${n === 1 ? '' : 's'} of ${batchSize} per epoch`;

function describeSaved(saved: SavedData): string {
  const where = name(saved.pre.task, saved.pre.dataDir);
  const { record, run, progress } = saved;
  if (record === undefined) {
    const perEpoch = progress.step / progress.epoch;
    return Number.isInteger(perEpoch) ? `${where} (${steps(perEpoch, run.batchSize)})` : where;
  }
  const held = record.validation === 0 ? '' : ` (${count(record.validation)} of them held out for validation)`;
  return `${where}: ${count(record.train + record.validation)} training${held} and ${count(record.test)} test examples (${steps(Math.ceil(record.train / run.batchSize), run.batchSize)})`;
}

/** The size of the resumed run's data: "3,000 training and 200 test examples (47 steps of 64 per epoch)". */
function describeSize(config: TrainConfig, data: RunData): string {
  return `${count(data.allTrain.length)} training and ${count(data.test.length)} test examples (${steps(Math.ceil(data.train.length / config.batchSize), config.batchSize)})`;
}

/** ", whose training labels use 5 of the model's 10 classes" when another set has fewer classes than the model reads it with. */
function labelsUsed(data: RunData): string {
  if (data.encoding !== 'index') return '';
  const seen = new Set<number>();
  for (let i = 0; i < data.allTrain.length; i++) seen.add(data.allTrain.get(i).y as number);
  return seen.size < data.classes ? `, whose training labels use ${seen.size} of the model's ${data.classes} classes` : '';
}

/** --data when resuming a model trained on XOR, which has its own four points: it would be ignored. */
export function checkDataFlagOnResume(data: string | undefined, task: string, dir: string): void {
  if (data !== undefined && task === 'xor') throw usageError(`--data ${data}: the model in ${dir} was trained on xor, which has its own four points; resume it without --data`);
}

/**
 * Checks the resumed run's data against the saved run's, and the saved step against the saved
 * epochs. Returns the saved run's steps per epoch (to tell whether the schedule's plan changed)
 * and, when --switch-data let another set through, the notice to print.
 */
export async function checkResumedData(saved: SavedData, config: TrainConfig, data: RunData, switchData: boolean, dir: string): Promise<{ savedStepsPerEpoch: number; notice?: string }> {
  const { pre, record, run, progress } = saved;
  const otherDirectory = config.dataDir !== pre.dataDir && (config.dataDir === undefined || pre.dataDir === undefined || !(await sameDirectory(config.dataDir, pre.dataDir)));
  // The saved epochs' steps, were this the data they ran on: from the recorded size, else from the data as it is.
  const stepsHere = Math.ceil((record?.train ?? trainSizeWith(data, run)) / run.batchSize);
  // The saved directory's files changed: their size differs from the record; without one, only steps that no longer add up can tell.
  const unrecordedChange = record === undefined && !otherDirectory && pre.dataDir !== undefined && progress.step !== progress.epoch * stepsHere;
  const otherSize = record !== undefined ? record.train + record.validation !== data.allTrain.length || record.test !== data.test.length : unrecordedChange;
  const size = describeSize(config, data);
  const now = `${name(config.task, config.dataDir)}: ${size}`;
  if (!otherDirectory && !otherSize) {
    if (switchData) throw usageError(`--${SWITCH_DATA_FLAG}: ${now} is the data set the model in ${dir} was trained on; drop --${SWITCH_DATA_FLAG}`);
    checkStep(progress, stepsHere, dir);
    return { savedStepsPerEpoch: stepsHere };
  }
  const before = describeSaved(saved);
  if (!switchData) {
    if (otherDirectory) {
      throw usageError(
        `--data ${config.dataDir ?? '(none)'} is not the data set the model in ${dir} was trained on: it has ${size}; the saved run used ${before}. ` +
          `Resume on that set (leave --data out), or pass --${SWITCH_DATA_FLAG} to go on training on ${config.dataDir ?? 'it'} (model.json then records the switch)`,
      );
    }
    if (unrecordedChange) {
      throw new CliError(
        `${join(resolve(dir), 'model.json')}: training.step is ${progress.step}, but ${progress.epoch} epoch${progress.epoch === 1 ? '' : 's'} of ${steps(stepsHere, run.batchSize).replace(' per epoch', '')} make ${progress.epoch * stepsHere} ` +
          `on the data in ${now}; either the data there changed since the model was saved (resume on the data it was trained on, or pass --${SWITCH_DATA_FLAG} to go on training on it as it is now), ` +
          'or the file was edited or damaged (the schedule would resume at the wrong rate)',
        EXIT.failure,
      );
    }
    throw new CliError(
      `the data set the model in ${dir} was trained on changed since it was saved: ${name(config.task, config.dataDir)} now has ${size}; the saved run used ${before}. ` +
        `Restore the data it was trained on, or pass --${SWITCH_DATA_FLAG} to go on training on the data as it is now (model.json then records the switch)`,
      EXIT.failure,
    );
  }
  // Another set: the saved epochs' steps come from the record, or from the saved step count itself.
  let savedStepsPerEpoch: number;
  if (record !== undefined) savedStepsPerEpoch = Math.ceil(record.train / run.batchSize);
  else {
    savedStepsPerEpoch = progress.step / progress.epoch;
    if (!Number.isInteger(savedStepsPerEpoch) || savedStepsPerEpoch < 1) {
      throw new CliError(`${join(resolve(dir), 'model.json')}: training.step is ${progress.step}, not a whole number of steps for each of its ${progress.epoch} epoch${progress.epoch === 1 ? '' : 's'}; the file was edited or damaged`, EXIT.failure);
    }
  }
  checkStep(progress, savedStepsPerEpoch, dir);
  return {
    savedStepsPerEpoch,
    notice:
      `--${SWITCH_DATA_FLAG}: from epoch ${progress.epoch + 1} on the model trains on ${now}${labelsUsed(data)}, not on ${before} as before; ` +
      'its history and scores from here on are not comparable with the earlier epochs. model.json records the switch (training.changes)',
  };
}

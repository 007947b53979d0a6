// Setting up a training run: a fresh model from the flags, or a saved one to resume.
import { join, resolve } from 'node:path';
import type { Sequential } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { ModelFileError, type Logs } from '@keel/train';
import type { Flags } from '../args.js';
import type { Context } from '../common.js';
import type { Preprocessing } from '../data.js';
import { CliError, EXIT, oneLine, usageError } from '../errors.js';
import { buildModel } from '../model.js';
import { openModel, provenanceOptions, type OpenedModel, type OpenOptions } from '../saved-model.js';
import { freshConfig, resumedConfig, runSettings, type RunSettings, type TrainConfig } from './config.js';
import { checkEpochAgainstRun, checkRunSettings, checkSeedAgainstRun, resumedOptimizerState, RESET_OPTIMIZER_FLAG, resetHint, savedProgress, scheduleNote, validationNote } from './resume.js';
import { changesNote, settingChanges } from './resume-changes.js';
import { checkDataFlagOnResume, checkResumedData, dataRecord, SWITCH_DATA_FLAG } from './resume-data.js';
import { loadRunData, type LoadOptions, type RunData } from './data.js';
import { readTrainingRecord, type SettingChange } from './training-record.js';

export interface Setup {
  readonly config: TrainConfig;
  readonly model: Sequential;
  readonly initialEpoch: number;
  readonly optimizerState: unknown;
  readonly history: readonly Logs[];
  /** Every setting the resumed runs changed, this one's included (saved as training.changes). */
  readonly changes: readonly SettingChange[];
  readonly data: RunData;
}

/** A fresh model and its data from the set-up flags (what train, doctor and lr-find start from). */
export async function freshSetup(flags: Flags, context: Context, options: LoadOptions = {}): Promise<Setup> {
  const config = freshConfig(flags, context.registry);
  const data = await loadRunData(config, context.registry, options);
  const model = buildModel({ ...config, inputShape: data.inputShape, outputUnits: data.outputUnits, outputActivation: data.outputActivation, registry: context.registry });
  return { config, data, model, initialEpoch: 0, optimizerState: undefined, history: [], changes: [] };
}

/**
 * The model to resume, with its optimizer state unless it is to be reset. A damaged or missing
 * optimizer file is reported with how to go on without it.
 */
async function openResumed(dir: string, registry: Registry, resetOptimizer: boolean, provenance: Pick<OpenOptions, 'ignoreProvenance' | 'onNote'>): Promise<OpenedModel> {
  if (resetOptimizer) return openModel(dir, registry, { forInference: true, ...provenance });
  try {
    return await openModel(dir, registry, provenance);
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    // Only the optimizer state is at fault when the model opens without it.
    await openModel(dir, registry, { forInference: true, ignoreProvenance: provenance.ignoreProvenance });
    throw new CliError(`${oneLine(error)}; ${resetHint()}`, EXIT.failure, { cause: error });
  }
}

export async function setUp(flags: Flags, context: Context): Promise<Setup> {
  const resume = flags.string('resume');
  if (resume === undefined) {
    if (flags.has(SWITCH_DATA_FLAG)) throw usageError(`--${SWITCH_DATA_FLAG} is for --resume (to go on training a saved model on another data set); a fresh run trains on the --data it is given`);
    return freshSetup(flags, context);
  }
  const opened = await openResumed(resume, context.registry, flags.boolean(RESET_OPTIMIZER_FLAG), provenanceOptions(flags, context));
  const { loaded } = opened;
  // Everything the run resumes from is checked before any data is loaded or any step is taken.
  const progress = savedProgress(loaded, resume);
  if (opened.preprocessing.run === undefined) {
    throw usageError(`${resume} was not saved by 'keel train' (its preprocessing has no run settings), so it cannot be resumed`);
  }
  const run = checkRunSettings(opened.preprocessing.run, resume, context.registry, loaded.optimizer?.plugin);
  checkEpochAgainstRun(progress, run, resume);
  checkSeedAgainstRun(loaded.training?.seed, run, resume);
  const record = opened.training ?? readTrainingRecord(loaded.training, join(resolve(resume), 'model.json'));
  const optimizerState = resumedOptimizerState(loaded, run, opened.model, context.registry, resume, flags.boolean(RESET_OPTIMIZER_FLAG));
  checkDataFlagOnResume(flags.string('data'), opened.preprocessing.task, resume);
  let config = resumedConfig(flags, context.registry, resume, { ...opened.preprocessing, run }, progress.epoch);
  // An IDX directory given to go on training an MNIST model is read, named and saved as the IDX set it is.
  if (config.task === 'mnist' && config.dataDir !== undefined) config = { ...config, task: 'idx' };
  const expected = opened.model.inputShape ?? [];
  const data = await loadRunData(config, context.registry, {
    checkInputShape: (inputShape) => {
      if (expected.join('x') === inputShape.join('x')) return;
      // the data on disk does not fit the model: a failure of the files, not of the command line
      const source = config.dataDir === undefined ? config.task : config.dataDir;
      throw new CliError(`the model in ${resume} takes inputs of shape [${expected.join(', ')}], but the data in ${source} gives [${inputShape.join(', ')}]; resume with the data it was trained on (--data <dir>)`, EXIT.failure);
    },
  });
  // The saved run's own epochs (its batch size and the train set its validation split left), and
  // whether this is the data it trained on: another set is refused unless --switch-data.
  const saved = { pre: opened.preprocessing, record: record.data, run, progress };
  const { savedStepsPerEpoch, notice } = await checkResumedData(saved, config, data, flags.boolean(SWITCH_DATA_FLAG), resume);
  if (flags.boolean(RESET_OPTIMIZER_FLAG)) context.out.warn(`--${RESET_OPTIMIZER_FLAG}: the optimizer state starts afresh (momentum and moments from zero), so this run differs from an uninterrupted one`);
  const changes = settingChanges({ run, dataDir: opened.preprocessing.dataDir, data: record.data }, { config, data: dataRecord(data), switched: notice !== undefined }, progress.epoch);
  const notes = [notice, changesNote(changes), scheduleNote(run, config, progress.epoch, savedStepsPerEpoch * run.batchSize, data.train.length), validationNote(run, config)];
  for (const note of notes) if (note !== undefined) context.out.warn(note);
  return {
    config,
    data,
    model: opened.model,
    initialEpoch: progress.epoch,
    optimizerState,
    history: record.history,
    changes: [...record.changes, ...changes],
  };
}

export function preprocessingOf(config: TrainConfig, data: RunData): Preprocessing & { run: RunSettings } {
  return {
    task: config.task,
    ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
    scale: data.scale,
    layout: data.layout,
    ...(data.rows === undefined ? {} : { rows: data.rows, cols: data.cols }),
    classes: data.classes,
    targets: data.encoding,
    output: data.output,
    loss: config.loss,
    run: runSettings(config),
  };
}

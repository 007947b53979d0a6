// Setting up a training run: a fresh model from the flags, or a saved one to resume.
import type { Sequential } from '@keel/layers';
import type { Logs } from '@keel/train';
import type { Flags } from '../args.js';
import type { Context } from '../common.js';
import type { Preprocessing } from '../data.js';
import { usageError } from '../errors.js';
import { buildModel } from '../model.js';
import { openModel } from '../saved-model.js';
import { freshConfig, resumedConfig, runSettings, type RunSettings, type TrainConfig } from './config.js';
import { loadRunData, type LoadOptions, type RunData } from './data.js';

export interface Setup {
  readonly config: TrainConfig;
  readonly model: Sequential;
  readonly initialEpoch: number;
  readonly optimizerState: unknown;
  readonly history: readonly Logs[];
  readonly data: RunData;
}

/** A fresh model and its data from the set-up flags (what train, doctor and lr-find start from). */
export async function freshSetup(flags: Flags, context: Context, options: LoadOptions = {}): Promise<Setup> {
  const config = freshConfig(flags, context.registry);
  const data = await loadRunData(config, context.registry, options);
  const model = buildModel({ ...config, inputShape: data.inputShape, outputUnits: data.outputUnits, outputActivation: data.outputActivation, registry: context.registry });
  return { config, data, model, initialEpoch: 0, optimizerState: undefined, history: [] };
}

export async function setUp(flags: Flags, context: Context): Promise<Setup> {
  const resume = flags.string('resume');
  if (resume === undefined) return freshSetup(flags, context);
  const opened = await openModel(resume, context.registry);
  const epochsDone = opened.loaded.training?.epoch ?? 0;
  const config = resumedConfig(flags, context.registry, resume, opened.preprocessing, epochsDone);
  const data = await loadRunData(config, context.registry);
  const expected = opened.model.inputShape ?? [];
  if (expected.join('x') !== data.inputShape.join('x')) {
    throw usageError(`the model in ${resume} takes inputs of shape [${expected.join(', ')}], but the data gives [${data.inputShape.join(', ')}]`);
  }
  const history = opened.loaded.training?.history;
  return {
    config,
    data,
    model: opened.model,
    initialEpoch: epochsDone,
    optimizerState: opened.loaded.optimizer?.state,
    history: Array.isArray(history) ? (history as Logs[]) : [],
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

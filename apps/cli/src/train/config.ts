// `keel train`'s settings: task defaults, overridden by flags, or restored from a model being resumed.
import { resolve } from 'node:path';
import { nearestId, type Registry } from '@keel/registry';
import type { OptimizerId } from '@keel/optimizers';
import type { LossArg } from '@keel/train';
import type { Flags } from '../args.js';
import type { Preprocessing, Task } from '../data.js';
import { checkSettings } from '../declared-options.js';
import { usageError, withFlag } from '../errors.js';
import { float32Fault } from '../float32.js';
import { parseIdSpec, type IdSpec } from '../id-spec.js';
import type { Architecture } from '../model.js';
import { changedFixedFlags } from './resume-fixed.js';
import { checkSchedule, type ScheduleName } from './schedule.js';

/** How an IDX directory's labels are read: `--classes` and `--allow-sparse-classes`. */
export interface DataSettings {
  /** The number of classes; labels must be below it. Inferred from the labels when left out. */
  readonly classes?: number;
  /** Infer the class count even when some classes never occur or are very rare. */
  readonly allowSparseClasses?: boolean;
}

/** `--classes` and `--allow-sparse-classes` from the command line (for the run's config). */
export function dataSettings(flags: Flags): DataSettings {
  const classes = flags.integer('classes', 2); // one class is no classification (a 1-unit softmax learns nothing)
  const allowSparseClasses = flags.boolean('allow-sparse-classes');
  return { ...(classes === undefined ? {} : { classes }), ...(allowSparseClasses ? { allowSparseClasses } : {}) };
}

/** An id flag's settings (`--loss huber:delta=2` gives `{ delta: 2 }`), checked against the entry's declared options. */
export type IdSettings = Readonly<Record<string, number | boolean | string>>;

/** The settings of a run (saved in the model's preprocessing as `run`, to resume with). */
export interface RunSettings extends DataSettings {
  readonly architecture: Architecture;
  readonly layers: readonly number[];
  /** cnn: hidden Dense units after the conv blocks. */
  readonly dense?: readonly number[];
  /** The activation id; its settings are `activationOptions`. */
  readonly activation: string;
  readonly activationOptions?: IdSettings;
  /** `id` or `id:key=value,...`, as --init takes it (saved this way since before the other flags took settings). */
  readonly init?: string;
  /** The loss id; its settings are `lossOptions`. */
  readonly loss: string;
  readonly lossOptions?: IdSettings;
  /** The optimizer id; its settings are `optimizerOptions`, but for the learning rate and momentum (`lr`, `momentum`). */
  readonly optimizer: string;
  readonly optimizerOptions?: IdSettings;
  readonly lr: number;
  readonly momentum?: number;
  readonly schedule: ScheduleName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly validationSplit?: number;
}

export interface TrainConfig extends RunSettings {
  readonly task: Task;
  readonly dataDir?: string;
  readonly out?: string;
  readonly plot?: string;
  readonly resume?: string;
}

type Defaults = Omit<RunSettings, 'seed' | 'validationSplit' | 'init'>;

/** Measured on the 'js' backend (2 cores): the MNIST MLP reaches ~98.2% test accuracy in 3 epochs (~75 s). */
const DEFAULTS: Record<'xor' | Architecture, Defaults> = {
  xor: { architecture: 'mlp', layers: [8], activation: 'tanh', loss: 'binaryCrossEntropyWithLogits', optimizer: 'adam', lr: 0.05, schedule: 'constant', epochs: 10, batchSize: 4 },
  mlp: { architecture: 'mlp', layers: [256, 128], activation: 'relu', loss: 'sparseSoftmaxCrossEntropy', optimizer: 'sgd', lr: 0.1, momentum: 0.9, schedule: 'cosine', epochs: 3, batchSize: 64 },
  cnn: { architecture: 'cnn', layers: [8, 16], activation: 'relu', loss: 'sparseSoftmaxCrossEntropy', optimizer: 'sgd', lr: 0.05, momentum: 0.9, schedule: 'cosine', epochs: 3, batchSize: 64 },
};

/** XOR's four points are repeated this many times per epoch, so an epoch has some steps to show. */
export const XOR_REPEAT = 64;

/** Short names people type for Keel's losses (as Keras accepts them). */
const ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  loss: { mse: 'meanSquaredError', mae: 'meanAbsoluteError', bce: 'binaryCrossEntropy', crossentropy: 'sparseSoftmaxCrossEntropy' },
};

/**
 * An id flag (`--loss huber:delta=2`) checked against the registry: the id, with aliases expanded,
 * and its settings, checked against the options the entry declares, before anything trains.
 */
function idFlag(registry: Registry, kind: string, flag: string, text: string): IdSpec {
  const spec = parseIdSpec(text, flag);
  const id = ALIASES[kind]?.[spec.id] ?? spec.id;
  if (id.includes('/') && !registry.has(kind, id) && nearestId(id, registry.list(kind)) === undefined) {
    // A namespaced id nothing registered resembles is a plugin's: load it (a typo gets the registry's did-you-mean).
    throw usageError(`--${flag}: unknown ${kind} '${id}'; it looks like a plugin's id: load the plugin that provides it with --plugin <package or file>`);
  }
  withFlag(flag, () => registry.resolve(kind, id));
  checkSettings(registry, kind, flag, text, id, spec.config);
  return { id, config: spec.config };
}

/** The id flag as text, aliases expanded: what --init is saved as. */
function checkId(registry: Registry, kind: string, flag: string, text: string): string {
  const { id } = idFlag(registry, kind, flag, text);
  const colon = text.indexOf(':');
  return colon < 0 ? id : `${id}${text.slice(colon)}`;
}

/** Settings to save: none is left out rather than saved as `{}`. */
function settingsOf(spec: IdSpec): IdSettings | undefined {
  return Object.keys(spec.config).length === 0 ? undefined : spec.config;
}

/**
 * --optimizer's settings, apart from `lr` and `momentum`: those are the run's `lr` and `momentum`
 * (the schedule starts from `lr`), so giving one both as a setting and as its own flag is an error.
 */
function optimizerFlag(flags: Flags, registry: Registry, text: string): { id: string; options?: IdSettings; lr?: number; momentum?: number } {
  const spec = idFlag(registry, 'optimizer', 'optimizer', text);
  const { lr, momentum, ...options } = spec.config;
  for (const [key, value] of [['lr', lr], ['momentum', momentum]] as const) {
    if (value !== undefined && flags.has(key)) {
      throw usageError(`--${key} ${String(flags.string(key))} and --optimizer '${text}' (${key}=${String(value)}) both set the ${key === 'lr' ? 'learning rate' : 'momentum'}; give it once`);
    }
  }
  const fault = typeof lr === 'number' ? float32Fault(lr) : undefined;
  if (fault !== undefined) throw usageError(`--optimizer '${text}': lr=${String(lr)} ${fault}, so the run would not train`);
  return {
    id: spec.id,
    ...(Object.keys(options).length === 0 ? {} : { options }),
    ...(lr === undefined ? {} : { lr: lr as number }),
    ...(momentum === undefined ? {} : { momentum: momentum as number }),
  };
}

function architectureOf(flags: Flags): Architecture | undefined {
  const model = flags.string('model');
  if (model === undefined) return undefined;
  if (model !== 'mlp' && model !== 'cnn') throw usageError(`--model must be mlp or cnn, got '${model}' (to evaluate a saved model use 'keel eval --model <dir>')`);
  return model;
}

/** The task from the positional argument and --data. */
export function taskOf(flags: Flags): { task: Task; dataDir?: string } | undefined {
  const [name, ...rest] = flags.positionals;
  if (rest.length > 0) throw usageError(`'keel train' takes one task, got ${flags.positionals.map((p) => `'${p}'`).join(' ')}`);
  const data = flags.string('data');
  if (name === undefined) return data === undefined ? undefined : { task: 'idx', dataDir: resolve(data) };
  if (name === 'xor') {
    if (data !== undefined) throw usageError('--data is for image sets; xor has its own four points');
    return { task: 'xor' };
  }
  if (name === 'mnist') return data === undefined ? { task: 'mnist' } : { task: 'idx', dataDir: resolve(data) };
  const nearest = nearestId(name, ['xor', 'mnist']);
  throw usageError(`unknown task '${name}'${nearest === undefined ? '' : `; did you mean '${nearest}'?`} tasks: xor, mnist (or --data <dir> for any IDX image set)`);
}

/** Settings shared by fresh and resumed runs. */
function common(flags: Flags): Pick<TrainConfig, 'out' | 'plot'> & { validationSplit?: number } {
  const validationSplit = flags.number('validation-split', { positive: true, max: 0.9 });
  return {
    ...(flags.string('out') === undefined ? {} : { out: resolve(flags.string('out')!) }),
    ...(flags.string('plot') === undefined ? {} : { plot: resolve(flags.string('plot')!) }),
    ...(validationSplit === undefined ? {} : { validationSplit }),
  };
}

/**
 * `--momentum`, refused for an optimizer that declares its options without one (Adam's moments
 * are b1 and b2): passed anyway it would be ignored, or break a plugin after the summary.
 */
function momentumFlag(flags: Flags, registry: Registry, optimizer: string): number | undefined {
  const momentum = flags.number('momentum', { min: 0, max: 0.999999 });
  const options = registry.has('optimizer', optimizer) ? registry.resolve('optimizer', optimizer).options : undefined;
  if (momentum !== undefined && options !== undefined && !Object.hasOwn(options, 'momentum')) {
    throw usageError(`--momentum: optimizer '${optimizer}' has no momentum option (its options: ${Object.keys(options).join(', ')}); drop --momentum, or use an optimizer with momentum (sgd, rmsprop)`);
  }
  return momentum;
}

function lrFor(flags: Flags, registry: Registry, optimizer: string, setting: number | undefined, defaults: Defaults): number {
  const given = flags.number('lr', { positive: true }) ?? setting;
  if (given !== undefined) return given;
  if (optimizer === defaults.optimizer) return defaults.lr;
  return registry.resolve('optimizer', optimizer).defaultLearningRate ?? 1e-3;
}

function withSettings<K extends string>(key: K, settings: IdSettings | undefined): { [key in K]?: IdSettings } {
  return (settings === undefined ? {} : { [key]: settings }) as { [key in K]?: IdSettings };
}

/** A fresh run: the task's defaults with the flags applied. */
export function freshConfig(flags: Flags, registry: Registry): TrainConfig {
  const taskInfo = taskOf(flags);
  if (taskInfo === undefined) throw usageError("which task? 'keel train xor', 'keel train mnist' or 'keel train --data <dir>'");
  if (flags.has('reset-optimizer')) throw usageError('--reset-optimizer is for --resume: a fresh run starts its optimizer state from zero anyway');
  const architecture = architectureOf(flags) ?? 'mlp';
  if (taskInfo.task === 'xor' && architecture === 'cnn') throw usageError('--model cnn needs images; xor has two features per example (use mnist or --data)');
  const defaults = DEFAULTS[taskInfo.task === 'xor' ? 'xor' : architecture];
  const optimizerSpec = optimizerFlag(flags, registry, flags.string('optimizer') ?? defaults.optimizer);
  const optimizer = optimizerSpec.id;
  const momentum = momentumFlag(flags, registry, optimizer) ?? optimizerSpec.momentum ?? (optimizer === 'sgd' ? defaults.momentum : undefined);
  const activation = idFlag(registry, 'activation', 'activation', flags.string('activation') ?? defaults.activation);
  const loss = idFlag(registry, 'loss', 'loss', flags.string('loss') ?? defaults.loss);
  const init = flags.string('init');
  const dense = flags.integers('dense');
  if (dense !== undefined && architecture !== 'cnn') throw usageError("--dense is for --model cnn (the hidden layers after the convolutions); an MLP's hidden layers are --layers");
  return {
    ...taskInfo,
    ...common(flags),
    architecture,
    layers: flags.integers('layers') ?? defaults.layers,
    ...(dense === undefined ? {} : { dense }),
    activation: activation.id,
    ...withSettings('activationOptions', settingsOf(activation)),
    ...(init === undefined ? {} : { init: checkId(registry, 'initializer', 'init', init) }),
    loss: loss.id,
    ...withSettings('lossOptions', settingsOf(loss)),
    optimizer,
    ...withSettings('optimizerOptions', optimizerSpec.options),
    lr: lrFor(flags, registry, optimizer, optimizerSpec.lr, defaults),
    ...(momentum === undefined ? {} : { momentum }),
    schedule: checkSchedule(flags.string('schedule') ?? defaults.schedule),
    epochs: flags.integer('epochs') ?? defaults.epochs,
    batchSize: flags.integer('batch-size') ?? defaults.batchSize,
    seed: flags.integer('seed', 0) ?? 0,
    ...dataSettings(flags),
  };
}

function describeTask(pre: Preprocessing): string {
  return pre.task === 'idx' ? `the IDX set ${pre.dataDir ?? '(directory not recorded)'} (task idx)` : pre.task;
}

/** An id and its settings as an id flag takes them: `adam:b1=0.8,eps=1e-7`. */
export function optionsText(id: string, settings: IdSettings | undefined): string {
  const pairs = Object.entries(settings ?? {});
  return pairs.length === 0 ? id : `${id}:${pairs.map(([key, value]) => `${key}=${String(value)}`).join(',')}`;
}

/** How a run's optimizer and its settings read on the command line: `adam:b1=0.8`. */
function optimizerText(run: Pick<RunSettings, 'optimizer' | 'optimizerOptions'>): string {
  return optionsText(run.optimizer, run.optimizerOptions);
}

/**
 * --optimizer on resume: the saved optimizer with the saved settings (its state resumes only with
 * them), though `lr=` and `momentum=` may change, as --lr and --momentum may.
 */
function resumedOptimizerFlag(flags: Flags, registry: Registry, text: string, run: RunSettings, dir: string): ReturnType<typeof optimizerFlag> {
  const spec = optimizerFlag(flags, registry, text);
  const saved = run.optimizerOptions ?? {};
  const given = spec.options ?? {};
  const same = spec.id === run.optimizer && Object.keys({ ...saved, ...given }).every((key) => saved[key] === given[key]);
  if (!same) {
    throw usageError(`--optimizer ${text}: the model in ${dir} was trained with ${optimizerText(run)}, whose state resumes only with ${optimizerText(run)} (leave --optimizer out to keep it; lr= and momentum= may change)`);
  }
  return spec;
}

/** A resumed run: the saved settings, with the flags that may change applied. */
export function resumedConfig(flags: Flags, registry: Registry, dir: string, pre: Preprocessing & { run?: RunSettings }, epochsDone: number): TrainConfig {
  if (flags.positionals.length > 0) {
    // A task on the command line must be the saved one: another would silently be ignored.
    const given = taskOf(flags)!.task;
    if (given !== pre.task) throw usageError(`the model in ${dir} was trained on ${describeTask(pre)}, not ${given}; resume it with 'keel train --resume ${dir}' (no task), or train a new model for ${given}`);
  }
  const run = pre.run;
  if (run === undefined) throw usageError(`${dir} was not saved by 'keel train' (its preprocessing has no run settings), so it cannot be resumed`);
  // The architecture, loss and class count are the model's: a flag giving the saved value changes nothing.
  const fixed = changedFixedFlags(flags, run, pre.classes, (kind, id) => ALIASES[kind]?.[id] ?? id);
  if (fixed.length > 0) throw usageError(`${fixed.join(', ')} cannot change when resuming: the model in ${dir} keeps its architecture, loss and classes`);
  const given = flags.string('optimizer');
  const optimizerSpec = given === undefined ? { id: run.optimizer } : resumedOptimizerFlag(flags, registry, given, run, dir);
  const optimizer = optimizerSpec.id;
  const epochs = flags.integer('epochs') ?? run.epochs;
  if (epochs <= epochsDone) {
    throw usageError(`the model in ${dir} has already been trained for ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}; pass --epochs greater than ${epochsDone} to train more`);
  }
  const data = flags.string('data');
  const momentum = momentumFlag(flags, registry, optimizer) ?? optimizerSpec.momentum ?? run.momentum;
  const validationSplit = flags.number('validation-split', { positive: true, max: 0.9 }) ?? run.validationSplit;
  return {
    ...run,
    task: pre.task,
    ...(data !== undefined ? { dataDir: resolve(data) } : pre.dataDir === undefined ? {} : { dataDir: pre.dataDir }),
    ...common(flags),
    ...(validationSplit === undefined ? {} : { validationSplit }),
    ...(momentum === undefined ? {} : { momentum }),
    lr: flags.number('lr', { positive: true }) ?? optimizerSpec.lr ?? run.lr,
    schedule: flags.string('schedule') === undefined ? run.schedule : checkSchedule(flags.string('schedule')!),
    epochs,
    batchSize: flags.integer('batch-size') ?? run.batchSize,
    seed: flags.integer('seed', 0) ?? run.seed,
    // the data is read as the model was trained: with its class count
    ...(pre.task === 'xor' ? {} : { classes: pre.classes }),
    ...(run.allowSparseClasses === true || flags.boolean('allow-sparse-classes') ? { allowSparseClasses: true } : {}),
    out: flags.string('out') === undefined ? dir : resolve(flags.string('out')!),
    resume: dir,
  };
}

/** The optimizer's settings for a run: its --optimizer settings, learning rate and, when set, momentum. */
export function optimizerSettings(config: RunSettings): { readonly [option: string]: unknown; lr: number; momentum?: number } {
  return { ...config.optimizerOptions, lr: config.lr, ...(config.momentum === undefined ? {} : { momentum: config.momentum }) };
}

/**
 * The run's loss as fit and evaluate take it: the id, or `{ id, ...settings }`. The id is a string
 * (a flag, a saved run) checked when the run was read: `registry.idOf` checks it again and types it.
 */
export function lossArgument(config: Pick<RunSettings, 'loss' | 'lossOptions'>, registry: Registry): LossArg {
  const id = registry.idOf('loss', config.loss);
  return config.lossOptions === undefined ? id : { ...config.lossOptions, id };
}

/** The run's optimizer as fit takes it: `{ id, ...settings }`, its id checked and typed as the loss's is. */
export function optimizerArgument(config: RunSettings, registry: Registry): { readonly id: OptimizerId; readonly [option: string]: unknown; lr: number; momentum?: number } {
  return { id: registry.idOf('optimizer', config.optimizer), ...optimizerSettings(config) };
}

/** The settings to save with the model. */
export function runSettings(config: TrainConfig): RunSettings {
  const { task: _task, dataDir: _dataDir, out: _out, plot: _plot, resume: _resume, ...run } = config;
  return run;
}

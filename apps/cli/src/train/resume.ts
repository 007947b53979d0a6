// What `keel train --resume` needs from a saved model, checked before any training: where the run
// stopped, the settings it ran with and the optimizer state. Damage is an error that names the file
// and field and says how to start fresh; it is never "repaired" into a different run.
import { join, resolve } from 'node:path';
import type { Sequential } from '@keel/layers';
import { checkState, createOptimizer, OptStateError, type OptState } from '@keel/optimizers';
import { describeValue, type Registry } from '@keel/registry';
import type { LoadedModel } from '@keel/train/node';
import { settingsProblem } from '../declared-options.js';
import { CliError, EXIT } from '../errors.js';
import { float32Fault } from '../float32.js';
import { optimizerSettings, type RunSettings } from './config.js';
import { makeSchedule, SCHEDULES } from './schedule.js';

/** The flag that resumes with fresh optimizer state (momentum and moments from zero) when the saved state is gone. */
export const RESET_OPTIMIZER_FLAG = 'reset-optimizer';

function fail(message: string): never {
  throw new CliError(message, EXIT.failure);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How to go on when the saved optimizer state cannot be used. */
export function resetHint(): string {
  return `pass --${RESET_OPTIMIZER_FLAG} to resume with fresh optimizer state (momentum and moments start from zero, so the run differs from an uninterrupted one), or train a new model without --resume`;
}

/** Where the saved run stopped: `training.epoch` (a whole number of complete epochs) and `training.step`. */
export function savedProgress(loaded: LoadedModel, dir: string): { epoch: number; step: number } {
  const where = join(resolve(dir), 'model.json');
  const training = loaded.training;
  if (training === undefined) {
    fail(`${where} has no training section, so where its run stopped is unknown; resuming would restart the schedule at epoch 0 on trained weights. Train a new model without --resume, or restore the model.json saved with these weights`);
  }
  const { epoch, step } = training;
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 1) {
    fail(`${where}: training.epoch is ${describeValue(epoch)}; expected the number of complete epochs trained (a whole number >= 1)`);
  }
  if (!Number.isSafeInteger(step) || (step as number) < 0) fail(`${where}: training.step is ${describeValue(step)}; expected the number of steps trained (a whole number >= 0)`);
  return { epoch: epoch as number, step: step as number };
}

const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 1;
const counts = (v: unknown): boolean => Array.isArray(v) && v.every(count);

/** The run settings `keel train` saved (preprocessing.run), each checked, since a resumed run uses them as they are. */
export function checkRunSettings(run: unknown, dir: string, registry: Registry, optimizerPlugin?: { readonly name: string; readonly version: string }): RunSettings {
  const where = join(resolve(dir), 'model.json');
  if (!isRecord(run)) return fail(`${where}: preprocessing.run is ${describeValue(run)}; expected the run settings 'keel train' saved`);
  const check = (field: string, ok: boolean, expected: string): void => {
    if (!ok) fail(`${where}: preprocessing.run.${field} is ${run[field] === undefined ? 'missing' : describeValue(run[field])}; expected ${expected}`);
  };
  // A plugin's id that is not installed: the plugin is missing, not the file damaged.
  for (const [field, kind] of [['optimizer', 'optimizer'], ['loss', 'loss'], ['init', 'initializer']] as const) {
    const id = run[field];
    if (typeof id !== 'string' || !id.includes('/') || registry.has(kind, id.split(':')[0])) continue;
    const from = kind === 'optimizer' && optimizerPlugin !== undefined ? ` from ${optimizerPlugin.name}@${optimizerPlugin.version}` : ' from a plugin';
    throw new CliError(`the model in ${dir} was trained with ${kind} '${id}'${from}, which is not installed; resume with --plugin <module> that provides it`, EXIT.failure);
  }
  const registered = (kind: string, v: unknown): boolean => typeof v === 'string' && registry.has(kind, v.split(':')[0]);
  check('architecture', run.architecture === 'mlp' || run.architecture === 'cnn', "'mlp' or 'cnn'");
  check('layers', counts(run.layers), 'a list of positive integers');
  check('dense', run.dense === undefined || counts(run.dense), 'a list of positive integers');
  check('activation', registered('activation', run.activation), 'a registered activation id');
  check('init', run.init === undefined || registered('initializer', run.init), 'a registered initializer id');
  check('loss', registered('loss', run.loss), 'a registered loss id');
  check('optimizer', registered('optimizer', run.optimizer), 'a registered optimizer id');
  check('lr', positive(run.lr), 'a finite number > 0');
  const lrFault = float32Fault(run.lr as number);
  if (lrFault !== undefined) fail(`${where}: preprocessing.run.lr ${String(run.lr)} ${lrFault}, so the run would not train; the file was edited or damaged`);
  check('momentum', run.momentum === undefined || (typeof run.momentum === 'number' && run.momentum >= 0 && run.momentum < 1), 'a number in [0, 1)');
  check('schedule', (SCHEDULES as readonly unknown[]).includes(run.schedule), SCHEDULES.join(', '));
  check('epochs', count(run.epochs), 'a whole number >= 1');
  check('batchSize', count(run.batchSize), 'a whole number >= 1');
  check('seed', Number.isSafeInteger(run.seed), 'an integer');
  check('validationSplit', run.validationSplit === undefined || (positive(run.validationSplit) && (run.validationSplit as number) <= 0.9), 'a fraction in (0, 0.9]');
  check('classes', run.classes === undefined || (count(run.classes) && (run.classes as number) >= 2 && (run.classes as number) <= 256), 'a whole number from 2 to 256');
  check('allowSparseClasses', run.allowSparseClasses === undefined || typeof run.allowSparseClasses === 'boolean', 'true or false');
  // The ids' settings are used as saved: each is checked against the options its entry declares.
  for (const [field, kind, id] of [['activationOptions', 'activation', run.activation], ['lossOptions', 'loss', run.loss], ['optimizerOptions', 'optimizer', run.optimizer]] as const) {
    const settings = run[field];
    if (settings === undefined) continue;
    check(field, isRecord(settings) && Object.keys(settings).length > 0, `the ${kind}'s settings, an object such as { "alpha": 0.2 }`);
    // lr and momentum are the run's own fields; here they would be silently overridden.
    const stray = field === 'optimizerOptions' ? ['lr', 'momentum'].find((key) => Object.hasOwn(settings as object, key)) : undefined;
    if (stray !== undefined) fail(`${where}: preprocessing.run.optimizerOptions has ${stray}, which a run keeps in preprocessing.run.${stray}; the file was edited or damaged`);
    const problem = settingsProblem(registry, kind, id as string, settings as Record<string, unknown>);
    if (problem !== undefined) fail(`${where}: preprocessing.run.${field}: ${problem}; the file was edited or damaged`);
  }
  return run as unknown as RunSettings;
}

/** The saved epoch against the run it belongs to: never beyond the epochs it was planned for. */
export function checkEpochAgainstRun(progress: { epoch: number }, run: RunSettings, dir: string): void {
  if (progress.epoch > run.epochs) {
    fail(`${join(resolve(dir), 'model.json')}: training.epoch is ${progress.epoch}, more than the ${run.epochs} epochs of its run (preprocessing.run.epochs); the file was edited or damaged`);
  }
}

/** training.seed, a record of the run's seed, must agree with the seed the run resumes with (preprocessing.run.seed). */
export function checkSeedAgainstRun(seed: unknown, run: RunSettings, dir: string): void {
  if (seed !== undefined && seed !== run.seed) {
    fail(`${join(resolve(dir), 'model.json')}: training.seed is ${describeValue(seed)}, but the run was trained with seed ${run.seed} (preprocessing.run.seed, which --resume uses); the file was edited or damaged. To change the seed of the rest of the run, pass --seed`);
  }
}

/** The saved step against the saved epoch: a run of `stepsPerEpoch` steps an epoch is at epoch × stepsPerEpoch. */
export function checkStep(progress: { epoch: number; step: number }, stepsPerEpoch: number, dir: string): void {
  const expected = progress.epoch * stepsPerEpoch;
  if (progress.step !== expected) {
    fail(
      `${join(resolve(dir), 'model.json')}: training.step is ${progress.step}, but ${progress.epoch} epoch${progress.epoch === 1 ? '' : 's'} of ${stepsPerEpoch} steps make ${expected}; ` +
        'the file was edited or damaged (the schedule would resume at the wrong rate)',
    );
  }
}

/**
 * The optimizer state to resume with, checked against the structure the optimizer makes for this
 * model. Missing state is an error unless `reset` (then undefined: fit starts it afresh).
 */
export function resumedOptimizerState(loaded: LoadedModel, run: RunSettings, model: Sequential, registry: Registry, dir: string, reset: boolean): OptState | undefined {
  const root = resolve(dir);
  const hint = resetHint();
  if (reset) return undefined;
  const optimizer = loaded.optimizer;
  if (optimizer === undefined) fail(`${join(root, 'model.json')} has no optimizer section, so the optimizer state to resume is unknown; ${hint}`);
  if (optimizer.id !== run.optimizer) {
    fail(`${join(root, 'model.json')}: optimizer.id is '${optimizer.id}', but the run was trained with '${run.optimizer}' (preprocessing.run.optimizer); the file was edited or damaged`);
  }
  if (optimizer.state === undefined) fail(`${join(root, 'model.json')}: optimizer.state is null (no optimizer state was saved); ${hint}`);
  const reference = createOptimizer(registry, registry.idOf('optimizer', run.optimizer), optimizerSettings(run)).init(Object.fromEntries(model.parameters()));
  try {
    checkState(optimizer.state, reference);
  } catch (error) {
    if (error instanceof OptStateError) {
      throw new CliError(`${join(root, optimizer.stateFile ?? 'optimizer.safetensors')}: ${error.message}; the file does not belong to this model (${hint})`, EXIT.failure, { cause: error });
    }
    throw error;
  }
  return optimizer.state as OptState;
}

/**
 * A note when the resumed run's learning-rate schedule is not the one the saved run followed
 * (another length, rate, batch size or validation split): the result then differs from a straight
 * run. Each plan's steps per epoch come from its own train set size (`savedExamples` is what the
 * saved run's validation split left). Undefined when it continues exactly.
 */
export function scheduleNote(saved: RunSettings, now: RunSettings, epochsDone: number, savedExamples: number, nowExamples: number): string | undefined {
  const savedSteps = Math.ceil(savedExamples / saved.batchSize);
  const nowSteps = Math.ceil(nowExamples / now.batchSize);
  const before = makeSchedule(saved.schedule, saved.lr, saved.epochs * savedSteps, savedSteps);
  const after = makeSchedule(now.schedule, now.lr, now.epochs * nowSteps, nowSteps);
  // The same plan when every step trained so far had the rate the new plan gives it.
  const done = epochsDone * savedSteps;
  let same = savedSteps === nowSteps;
  for (let step = 0; same && step < done; step++) same = before(step) === after(step);
  if (same) return undefined;
  const plural = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`;
  return (
    `the saved run's ${saved.schedule} learning-rate schedule was planned for ${plural(saved.epochs)} of ${savedSteps} steps (rate ${before(Math.max(0, done - 1)).toPrecision(3)} at its last step); ` +
    `this run follows a ${now.schedule} schedule planned for ${plural(now.epochs)} of ${nowSteps} steps from epoch ${epochsDone + 1} on (rate ${after(epochsDone * nowSteps).toPrecision(3)}), ` +
    `so its weights will differ from those of a straight ${now.epochs}-epoch run. For a straight run, train ${plural(now.epochs)} without --resume`
  );
}

/**
 * A note when the resumed run holds out other examples than the saved run did (another
 * --validation-split, or another --seed with one): its validation set then includes examples the
 * model has trained on, so its scores are not comparable with the earlier epochs'. Undefined when
 * the held-out examples are the same.
 */
export function validationNote(saved: RunSettings, now: RunSettings): string | undefined {
  const fraction = (v: number | undefined): string => (v === undefined ? 'none' : String(v));
  if (saved.validationSplit === now.validationSplit && (now.validationSplit === undefined || saved.seed === now.seed)) return undefined;
  if (now.validationSplit === undefined) {
    return `--validation-split: the saved run held out ${fraction(saved.validationSplit)} of the training set for validation; this run holds out none, so it now also trains on the examples it was validated on`;
  }
  const change = saved.validationSplit === now.validationSplit ? `--seed ${now.seed} (was ${saved.seed}) picks other held-out examples` : `--validation-split ${now.validationSplit} (was ${fraction(saved.validationSplit)}) holds out other examples`;
  return (
    `${change} than the ones the model was validated on before: some of them it has already trained on, ` +
    'so validation scores from here on are optimistic and not comparable with the earlier epochs. Keep the saved split for comparable scores'
  );
}

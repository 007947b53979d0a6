// Opening a saved model for eval, predict and --resume, with what the CLI needs to feed it.
import { join, resolve } from 'node:path';
import { ModelConfigError, type Sequential } from '@keel/layers';
import { ProvenanceError, provenanceAdvice, type Registry } from '@keel/registry';
import { ModelFileError } from '@keel/train';
import { loadModel, type LoadedModel } from '@keel/train/node';
import type { FlagSpec, Flags } from './args.js';
import type { Context } from './common.js';
import type { Preprocessing } from './data.js';
import { CliError, EXIT, oneLine } from './errors.js';
import { checkPreprocessing, inferPreprocessing, isTrainPreprocessing } from './saved-preprocessing.js';
import type { RunSettings } from './train/config.js';
import { readTrainingRecord, type TrainingRecord } from './train/training-record.js';

export interface OpenedModel {
  readonly loaded: LoadedModel;
  readonly model: Sequential;
  readonly preprocessing: Preprocessing & { readonly run?: RunSettings };
  /** The training section of a model `keel train` saved, checked field by field (undefined for other models, or without one). */
  readonly training?: TrainingRecord;
}

export interface OpenOptions {
  /** eval and predict: the optimizer state is not read, so a missing or damaged optimizer file does not stop them. */
  readonly forInference?: boolean;
  /** --ignore-provenance: load with whatever code the registry has for the model's ids. */
  readonly ignoreProvenance?: boolean;
  /** Told what loading noticed but allowed (an id from a newer compatible version). */
  readonly onNote?: (note: string) => void;
}

/** How a command's flags and output set the provenance check of `openModel`. */
export function provenanceOptions(flags: Flags, context: Context): Pick<OpenOptions, 'ignoreProvenance' | 'onNote'> {
  return { ignoreProvenance: flags.boolean('ignore-provenance'), onNote: (note) => context.out.warn(note) };
}

/** The flag of every command that loads a model: skip the check of which package provides each id. */
export const IGNORE_PROVENANCE_FLAG: FlagSpec = {
  name: 'ignore-provenance',
  type: 'boolean',
  description: 'load the model even when an id it uses comes from another plugin, or an incompatible version, than it was saved with',
};

// With the full stop before it: the CLI's own hint follows the list ('…@1.0.0; load it with --plugin').
const INSTALL_HINT = /\. Install the package\(s\) and registry\.use\(\) their plugin\.$/;

/**
 * Loads a model directory; a directory that is not a Keel model, needs a missing plugin or has
 * preprocessing that does not fit it is a one-line error naming the file (exit code 1).
 */
export async function openModel(dir: string, registry: Registry, options: OpenOptions = {}): Promise<OpenedModel> {
  let loaded: LoadedModel;
  try {
    loaded = await loadModel(dir, registry, { optimizer: options.forInference !== true, ignoreProvenance: options.ignoreProvenance === true });
  } catch (error) {
    if (error instanceof ModelFileError && error.cause instanceof ProvenanceError) {
      const where = error.source === undefined ? dir : error.source;
      throw new CliError(`${where}: ${error.cause.problems.join('; ')}. ${provenanceAdvice('--ignore-provenance')}`, EXIT.failure, { cause: error });
    }
    const missingPlugin = error instanceof ModelConfigError || (error instanceof ModelFileError && error.cause instanceof ModelConfigError && INSTALL_HINT.test(error.message));
    if (missingPlugin) {
      const message = oneLine(error).replace(INSTALL_HINT, '');
      throw new CliError(`${error instanceof ModelFileError ? '' : `${dir}: `}${message}; load it with --plugin <module>`, EXIT.failure, { cause: error });
    }
    throw error;
  }
  for (const note of loaded.notes) options.onNote?.(note);
  const saved = loaded.preprocessing;
  const where = join(resolve(dir), 'model.json');
  const preprocessing = isTrainPreprocessing(saved)
    ? ({ ...checkPreprocessing(saved, loaded.model, registry, where), ...(saved.run === undefined ? {} : { run: saved.run as unknown as RunSettings }) } as OpenedModel['preprocessing'])
    : inferPreprocessing(loaded.model);
  // `keel train` wrote the training section too, so it is held to what it writes (another trainer's is its own).
  const training = !isTrainPreprocessing(saved) || saved.run === undefined || loaded.training === undefined ? undefined : readTrainingRecord(loaded.training, where);
  return { loaded, model: loaded.model, preprocessing, ...(training === undefined ? {} : { training }) };
}

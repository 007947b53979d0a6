// Opening a saved model for eval, predict and --resume, with what the CLI needs to feed it.
import { join, resolve } from 'node:path';
import { ModelConfigError, type Sequential } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { ModelFileError } from '@keel/train';
import { loadModel, type LoadedModel } from '@keel/train/node';
import type { Preprocessing } from './data.js';
import { CliError, EXIT, oneLine } from './errors.js';
import { checkPreprocessing, inferPreprocessing, isTrainPreprocessing } from './saved-preprocessing.js';
import type { RunSettings } from './train/config.js';

export interface OpenedModel {
  readonly loaded: LoadedModel;
  readonly model: Sequential;
  readonly preprocessing: Preprocessing & { readonly run?: RunSettings };
}

export interface OpenOptions {
  /** eval and predict: the optimizer state is not read, so a missing or damaged optimizer file does not stop them. */
  readonly forInference?: boolean;
}

const INSTALL_HINT = / Install the package\(s\) and registry\.use\(\) their plugin\.$/;

/**
 * Loads a model directory; a directory that is not a Keel model, needs a missing plugin or has
 * preprocessing that does not fit it is a one-line error naming the file (exit code 1).
 */
export async function openModel(dir: string, registry: Registry, options: OpenOptions = {}): Promise<OpenedModel> {
  let loaded: LoadedModel;
  try {
    loaded = await loadModel(dir, registry, { optimizer: options.forInference !== true });
  } catch (error) {
    const missingPlugin = error instanceof ModelConfigError || (error instanceof ModelFileError && error.cause instanceof ModelConfigError && INSTALL_HINT.test(error.message));
    if (missingPlugin) {
      const message = oneLine(error).replace(INSTALL_HINT, '');
      throw new CliError(`${error instanceof ModelFileError ? '' : `${dir}: `}${message}; load it with --plugin <module>`, EXIT.failure, { cause: error });
    }
    throw error;
  }
  const saved = loaded.preprocessing;
  const where = join(resolve(dir), 'model.json');
  const preprocessing = isTrainPreprocessing(saved)
    ? ({ ...checkPreprocessing(saved, loaded.model, registry, where), ...(saved.run === undefined ? {} : { run: saved.run as unknown as RunSettings }) } as OpenedModel['preprocessing'])
    : inferPreprocessing(loaded.model);
  return { loaded, model: loaded.model, preprocessing };
}

// Opening a saved model for eval, predict and --resume, with what the CLI needs to feed it.
import { ModelConfigError, type Sequential } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { loadModel, type LoadedModel } from '@keel/train/node';
import type { Preprocessing } from './data.js';
import { CliError, EXIT, oneLine } from './errors.js';
import type { RunSettings } from './train/config.js';

export interface OpenedModel {
  readonly loaded: LoadedModel;
  readonly model: Sequential;
  readonly preprocessing: Preprocessing & { readonly run?: RunSettings };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What to assume about a model saved by something other than `keel train`: MNIST-like pixels in, logits out. */
function inferPreprocessing(model: Sequential): Preprocessing {
  const input = model.inputShape ?? [784];
  const outputs = model.outputShape().at(-1) ?? 10;
  const image = input.length === 3;
  const side = Math.round(Math.sqrt(input[0]));
  return {
    task: 'mnist',
    scale: 1 / 255,
    layout: image ? 'image' : 'flat',
    ...(image ? { rows: input[0], cols: input[1] } : side * side === input[0] ? { rows: side, cols: side } : {}),
    classes: outputs === 1 ? 2 : outputs,
    targets: outputs === 1 ? 'binary' : 'index',
    output: 'logits',
    loss: outputs === 1 ? 'binaryCrossEntropyWithLogits' : 'sparseSoftmaxCrossEntropy',
  };
}

/** Loads a model directory; a directory that is not a Keel model, or needs a missing plugin, is a one-line error. */
export async function openModel(dir: string, registry: Registry): Promise<OpenedModel> {
  let loaded: LoadedModel;
  try {
    loaded = await loadModel(dir, registry);
  } catch (error) {
    if (error instanceof ModelConfigError) throw new CliError(`${dir}: ${oneLine(error).replace(/ Install the package\(s\) and registry\.use\(\) their plugin\.$/, '')}; load it with --plugin <module>`, EXIT.failure, { cause: error });
    throw error;
  }
  const saved = loaded.preprocessing;
  const inferred = inferPreprocessing(loaded.model);
  const preprocessing = isObject(saved) && typeof saved.layout === 'string' && typeof saved.scale === 'number' ? ({ ...inferred, ...saved } as unknown as OpenedModel['preprocessing']) : inferred;
  return { loaded, model: loaded.model, preprocessing };
}

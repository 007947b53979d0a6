/**
 * A saved model in one file, for downloads: a Keel bundle is a plain safetensors file, so
 * any safetensors reader (Python's `safetensors.safe_open`, say) opens it and finds the weights
 * under their own names.
 *
 *   tensors          every parameter and buffer by full name ('dense_1/kernel'), as in
 *                    weights.safetensors; the optimizer state's tensors, if saved, under
 *                    '__optimizer__/' + their name in optimizer.safetensors
 *   __metadata__     'keel.format': 'bundle'
 *                    'keel.formatVersion': '1'
 *                    'model.json': the text of model.json, exactly as a directory save writes it
 *                    'keel.optimizerState': the optimizer state's JSON skeleton (only when
 *                    optimizer state was saved; optimizer.safetensors' 'keel.state')
 *
 * Browser-safe: no Node imports.
 */
import { defaultRegistry, type Registry } from '@keel/registry';
import type { Sequential } from '@keel/layers';
import { checkBytes, checkExtras, checkLoadOptions, checkModelToSave, checkName, checkRegistry } from './arguments.js';
import { ModelFileError } from './errors.js';
import { ARCHITECTURE_KEY, LAYERS_KEY } from './fingerprint.js';
import { modelFromParts, modelParts, parseModelJson, MODEL_JSON, type LoadedModel, type LoadOptions, type SaveExtras } from './model-file.js';
import { decodeSafetensors, encodeSafetensors, type DecodedTensor, type TensorData } from './safetensors.js';

export const BUNDLE_FORMAT = 'bundle';
export const BUNDLE_FORMAT_VERSION = 1;
/** The prefix of optimizer-state tensor names inside a bundle. */
export const BUNDLE_OPTIMIZER_PREFIX = '__optimizer__/';
/** The file name extension a bundle is offered for download with. */
export const BUNDLE_EXTENSION = '.keel.safetensors';

/** The model, its weights and the extras as one safetensors file (see the module comment). */
export function encodeModelBundle(model: Sequential, extras: SaveExtras = {}): Uint8Array<ArrayBuffer> {
  checkModelToSave('encodeModelBundle(model)', model);
  checkExtras('encodeModelBundle(model, extras)', extras);
  const parts = modelParts(model, extras);
  const tensors = new Map<string, TensorData>();
  for (const [name, t] of parts.weights) {
    if (name.startsWith(BUNDLE_OPTIMIZER_PREFIX)) {
      throw new Error(`${model.name}: the tensor name '${name}' starts with '${BUNDLE_OPTIMIZER_PREFIX}', which bundles reserve for optimizer state; rename the layer`);
    }
    tensors.set(name, t);
  }
  const metadata: Record<string, string> = {
    'keel.format': BUNDLE_FORMAT,
    'keel.formatVersion': String(BUNDLE_FORMAT_VERSION),
    [MODEL_JSON]: parts.modelJson,
    [ARCHITECTURE_KEY]: parts.weightsMetadata[ARCHITECTURE_KEY],
    [LAYERS_KEY]: parts.weightsMetadata[LAYERS_KEY],
  };
  if (parts.optimizer !== undefined) {
    for (const [name, t] of parts.optimizer.tensors) tensors.set(`${BUNDLE_OPTIMIZER_PREFIX}${name}`, t);
    metadata['keel.optimizerState'] = parts.optimizer.metadata['keel.state'];
  }
  return encodeSafetensors(tensors, metadata);
}

/** A file name to offer the bundle under: `<model name>.keel.safetensors`. */
export function modelBundleFileName(model: Sequential): string {
  checkModelToSave('modelBundleFileName(model)', model);
  const safe = model.name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe === '' ? 'model' : safe}${BUNDLE_EXTENSION}`;
}

/**
 * Rebuilds a model from a bundle (`encodeModelBundle`, `modelDownloadBlob`), with the same
 * checks as loading a directory. `source` names the file in messages.
 */
export function loadModelFromBundle(bytes: Uint8Array | ArrayBuffer, registry: Registry = defaultRegistry, source = 'model bundle', options: LoadOptions = {}): LoadedModel {
  checkBytes('loadModelFromBundle(bytes)', bytes, 'a model bundle file');
  checkRegistry('loadModelFromBundle(bytes, registry)', registry);
  checkName('loadModelFromBundle(bytes, registry, source)', source, 'the name of the file, for messages');
  checkLoadOptions('loadModelFromBundle', options);
  const decoded = decodeSafetensors(bytes, source);
  const { metadata } = decoded;
  if (metadata['keel.format'] !== BUNDLE_FORMAT) {
    const found = metadata['keel.format'] === undefined ? 'has no keel.format' : `has keel.format '${metadata['keel.format']}'`;
    throw new ModelFileError(`a safetensors file, but not a Keel model bundle: its metadata ${found} (expected '${BUNDLE_FORMAT}')`, source);
  }
  const version = Number(metadata['keel.formatVersion']);
  if (version !== BUNDLE_FORMAT_VERSION) {
    throw new ModelFileError(
      Number.isInteger(version) && version > BUNDLE_FORMAT_VERSION
        ? `bundle format version ${version} is newer than this @keel/train reads (${BUNDLE_FORMAT_VERSION}); upgrade @keel/train`
        : `bundle format version '${String(metadata['keel.formatVersion'])}' is not one Keel wrote`,
      source,
    );
  }
  const modelJson = metadata[MODEL_JSON];
  if (modelJson === undefined) throw new ModelFileError(`the bundle's metadata has no '${MODEL_JSON}'`, source);
  const label = (file: string): string => `${source} (${file})`;
  const document = parseModelJson(modelJson, label(MODEL_JSON));

  const weights = new Map<string, DecodedTensor>();
  const optimizerTensors = new Map<string, DecodedTensor>();
  for (const [name, t] of decoded.tensors) {
    if (name.startsWith(BUNDLE_OPTIMIZER_PREFIX)) optimizerTensors.set(name.slice(BUNDLE_OPTIMIZER_PREFIX.length), t);
    else weights.set(name, t);
  }
  const skeleton = metadata['keel.optimizerState'];
  if (skeleton === undefined && optimizerTensors.size > 0) {
    throw new ModelFileError(`the bundle has optimizer tensors but no 'keel.optimizerState' metadata to place them`, source);
  }
  const optimizer = skeleton === undefined ? undefined : { tensors: optimizerTensors, metadata: { 'keel.state': skeleton } };
  // The fingerprint (absent in bundles saved before it existed) travels in the bundle's metadata.
  const fingerprint = Object.fromEntries([ARCHITECTURE_KEY, LAYERS_KEY].flatMap((key) => (metadata[key] === undefined ? [] : [[key, metadata[key]]])));
  return modelFromParts({ document, weights: { tensors: weights, metadata: fingerprint }, optimizer }, registry, label, options);
}

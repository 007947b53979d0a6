/**
 * A saved model as a set of files (pure and browser-safe; `@keel/train/node` writes them to a
 * directory, `saveModelToIndexedDB` to IndexedDB, `encodeModelBundle` into one file):
 *
 *   model.json              format 'keel.model', formatVersion 1: the layers' ModelConfig (every
 *                           plugin id and version the model needs), the parameter dtype, and the
 *                           optional preprocessing, optimizer config and training info
 *   weights.safetensors     every parameter and buffer, by full name ('dense_1/kernel')
 *   optimizer.safetensors   (optional) the optimizer state's tensors; its other state is JSON in
 *                           the file's metadata ('keel.state'), referring to the tensors by name
 */
import { checkProvenance, defaultRegistry, describeValue, ProvenanceError, type Registry } from '@keel/registry';
import { modelConfig, modelFromConfig, ModelConfigError, planWeights, Sequential, type ModelConfig } from '@keel/layers';
import { Tensor, type DType } from '@keel/tensor';
import { VERSION } from '../version.js';
import { checkExtras, checkLoadOptions, checkModelToSave, checkName, checkRegistry } from './arguments.js';
import { checkFormatVersion, checkKeys, checkModelSection, checkOptimizerSection, checkTrainingSection, DOCUMENT_KEYS, isRecord } from './document-fields.js';
import { ModelFileError } from './errors.js';
import { rejectNonFiniteParts } from './finite.js';
import { checkFingerprint, checkOptimizerFingerprint, fingerprintMetadata } from './fingerprint.js';
import { checkStateDigest, STATE_DIGEST_KEY, stateDigest } from './state-digest.js';
import { decodeSafetensors, encodeSafetensors, type DecodedSafetensors, type TensorData } from './safetensors.js';
import { checkJson, flattenState, formatJson, unflattenState, type JsonValue, type StateTree } from './state.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_FILE = 'weights.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const MODEL_FORMAT = 'keel.model';
export const MODEL_FORMAT_VERSION = 1;

/**
 * The tensor files of one save in a model directory: `weights.<n>.safetensors` and
 * `optimizer.<n>.safetensors` (`@keel/train/node` writes each save under a new generation n, then
 * points model.json at it). Strict, so a model.json can never name a path outside its directory.
 */
export const GENERATION_FILE = /^(weights|optimizer)\.([1-9][0-9]{0,15})\.safetensors$/;

function isTensorFileName(name: unknown, kind: 'weights' | 'optimizer', canonical: string): boolean {
  return name === canonical || (typeof name === 'string' && GENERATION_FILE.exec(name)?.[1] === kind);
}

/** Where training stood when the model was saved (resume from here). */
export interface TrainingInfo {
  readonly epoch?: number;
  readonly step?: number;
  readonly seed?: number;
  /** Anything else JSON-able the trainer wants back. */
  readonly [key: string]: unknown;
}

/** The optimizer to save with the model. */
export interface OptimizerSnapshot {
  /** Its registry id ('adam'), recorded with the plugin and version that provide it when the model's registry knows it. */
  readonly id: string;
  /** Its hyperparameters, as JSON. */
  readonly config?: unknown;
  /**
   * Its state (moments, step counts ...): tensors, Float32Array/Float64Array, numbers (NaN and
   * ±Infinity too), strings, booleans, null, in arrays, plain objects and Maps. Restored bit for bit.
   */
  readonly state?: unknown;
}

/** What is saved next to the model's architecture and weights. */
export interface SaveExtras {
  /** JSON: what the inputs went through before training (standardisation statistics, pixel scaling ...). */
  readonly preprocessing?: unknown;
  readonly optimizer?: OptimizerSnapshot;
  readonly training?: TrainingInfo;
}

/** The optimizer as it was saved. */
export interface LoadedOptimizer {
  readonly id: string;
  /** The plugin that provided the optimizer when it was saved, if known. */
  readonly plugin: { readonly name: string; readonly version: string } | undefined;
  readonly config: JsonValue | undefined;
  readonly state: StateTree | undefined;
  /** The file model.json names for the state ('optimizer.safetensors'), or null when none was saved. */
  readonly stateFile: string | null;
}

export interface LoadedModel {
  /** The rebuilt model, built, with every parameter and buffer loaded. */
  readonly model: Sequential;
  readonly preprocessing: JsonValue | undefined;
  readonly optimizer: LoadedOptimizer | undefined;
  readonly training: { readonly epoch?: number; readonly step?: number; readonly seed?: number; readonly [key: string]: JsonValue | undefined } | undefined;
  /** What loading noticed but allowed: an id provided by a newer compatible version than it was saved with, or a mismatch `ignoreProvenance` let through. */
  readonly notes: readonly string[];
}

/** model.json as written. */
export interface ModelDocument {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: typeof MODEL_FORMAT_VERSION;
  readonly producer: string;
  /** The parameter dtype (the layers' ModelConfig does not record it). */
  readonly dtype: DType;
  readonly model: ModelConfig;
  readonly weights: string;
  readonly preprocessing?: JsonValue;
  readonly optimizer?: {
    readonly id: string;
    readonly plugin?: string;
    readonly version?: string;
    readonly config?: JsonValue;
    /** The file holding the state, or null when none was saved. */
    readonly state: string | null;
  };
  readonly training?: JsonValue;
}

/** A model's files before they are encoded: what serializeModel and the bundle share. */
export interface ModelParts {
  readonly modelJson: string;
  readonly weights: Map<string, TensorData>;
  /** weights.safetensors' metadata: its format, producer and the architecture's fingerprint. */
  readonly weightsMetadata: Record<string, string>;
  readonly optimizer: { readonly tensors: Map<string, TensorData>; readonly metadata: Record<string, string> } | undefined;
}

/** The same, read back (model.json already parsed and checked by `parseModelJson`). */
export interface DecodedParts {
  readonly document: ModelDocument;
  readonly weights: DecodedSafetensors;
  readonly optimizer: DecodedSafetensors | undefined;
}

const WEIGHTS_METADATA = { 'keel.format': 'weights', 'keel.producer': `@keel/train@${VERSION}` };

/** Every parameter and buffer by full name (a name used twice is an error). */
function namedTensors(model: Sequential): Map<string, Tensor> {
  const all = new Map(model.parameters());
  for (const [name, t] of model.buffers()) {
    if (all.has(name)) throw new Error(`${model.name}: '${name}' names both a parameter and a buffer; names must be unique to be saved`);
    all.set(name, t);
  }
  return all;
}

function checkTraining(value: unknown): JsonValue {
  const json = checkJson(value, 'training');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('training must be an object such as { epoch, step, seed }');
  for (const key of ['epoch', 'step', 'seed']) {
    if (key in json && typeof json[key] !== 'number') throw new TypeError(`training.${key} must be a number, got ${JSON.stringify(json[key])}`);
  }
  return json;
}

/** Splits a model and its extras into model.json text and tensor maps. */
export function modelParts(model: Sequential, extras: SaveExtras = {}): ModelParts {
  if (!model.built) {
    if (model.inputShape === undefined) {
      throw new Error(`${model.name}: cannot save a model that is not built and has no input shape; build it (or run it once) first`);
    }
    model.build();
  }
  const config = modelConfig(model);
  const weights = namedTensors(model);

  let optimizer: ModelDocument['optimizer'];
  let optimizerFile: ModelParts['optimizer'];
  if (extras.optimizer !== undefined) {
    const { id, config: optimizerConfig, state } = extras.optimizer;
    if (typeof id !== 'string' || id === '') throw new TypeError('optimizer.id must be the optimizer\'s registry id, such as \'adam\'');
    const plugin = model.registry.has('optimizer', id) ? model.registry.describe('optimizer', id).plugin : undefined;
    optimizer = {
      id,
      ...(plugin === undefined ? {} : { plugin: plugin.name, version: plugin.version }),
      ...(optimizerConfig === undefined ? {} : { config: checkJson(optimizerConfig, 'optimizer.config') }),
      state: state === undefined ? null : OPTIMIZER_FILE,
    };
    if (state !== undefined) {
      const flat = flattenState(state);
      optimizerFile = { tensors: flat.tensors, metadata: { 'keel.format': 'optimizer', 'keel.state': JSON.stringify(flat.skeleton) } };
    }
  }

  const document: ModelDocument = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    producer: `@keel/train@${VERSION}`,
    dtype: model.dtype,
    model: checkJson(config, 'model') as unknown as ModelConfig,
    weights: WEIGHTS_FILE,
    ...(extras.preprocessing === undefined ? {} : { preprocessing: checkJson(extras.preprocessing, 'preprocessing') }),
    ...(optimizer === undefined ? {} : { optimizer }),
    ...(extras.training === undefined ? {} : { training: checkTraining(extras.training) }),
  };
  const weightsMetadata = {
    ...WEIGHTS_METADATA,
    ...fingerprintMetadata(document),
    ...(optimizerFile === undefined ? {} : { [STATE_DIGEST_KEY]: stateDigest(optimizerFile.metadata['keel.state'], optimizerFile.tensors) }),
  };
  return { modelJson: `${formatJson(document as unknown as JsonValue)}\n`, weights, weightsMetadata, optimizer: optimizerFile };
}

/**
 * The files of a saved model: model.json, weights.safetensors and, when optimizer state is
 * given, optimizer.safetensors. Builds the model first if it is not built yet. Pure: write the
 * files with `saveModel` (Node), `saveModelToIndexedDB` (browser), or anywhere you like.
 */
export function serializeModel(model: Sequential, extras: SaveExtras = {}): { files: Record<string, Uint8Array<ArrayBuffer>> } {
  checkModelToSave('serializeModel(model)', model);
  checkExtras('serializeModel(model, extras)', extras);
  const parts = modelParts(model, extras);
  const files: Record<string, Uint8Array<ArrayBuffer>> = {
    [MODEL_JSON]: new TextEncoder().encode(parts.modelJson),
    [WEIGHTS_FILE]: encodeSafetensors(parts.weights, parts.weightsMetadata),
  };
  if (parts.optimizer !== undefined) files[OPTIMIZER_FILE] = encodeSafetensors(parts.optimizer.tensors, parts.optimizer.metadata);
  return { files };
}

/** How a file inside a saved model is named in messages: `dir/model.json`, or `model.json` alone. */
export type FileLabel = (file: string) => string;

function within(source: string | undefined, file: string): string {
  return source === undefined ? file : `${source}/${file}`;
}

/** Parses model.json and checks the parts of it that modelFromConfig and the loader rely on. */
export function parseModelJson(text: string, where: string = MODEL_JSON): ModelDocument {
  checkName('parseModelJson(text)', text, 'the text of model.json');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`not valid JSON (${(error as Error).message}); the file is corrupt`, where);
  }
  const bad = (message: string): never => {
    throw new ModelFileError(message, where);
  };
  if (!isRecord(doc)) return bad('not a Keel model file: expected a JSON object');
  if (doc.format !== MODEL_FORMAT) return bad(`not a Keel model file: format is ${JSON.stringify(doc.format) ?? 'missing'}, expected '${MODEL_FORMAT}'`);
  checkFormatVersion(doc.formatVersion, MODEL_FORMAT_VERSION, bad);
  if (typeof doc.formatVersion !== 'number') return bad('formatVersion is missing');
  if (doc.formatVersion > MODEL_FORMAT_VERSION) {
    return bad(`format version ${doc.formatVersion} is newer than this @keel/train (${VERSION}) reads (${MODEL_FORMAT_VERSION}); upgrade @keel/train`);
  }
  if (doc.formatVersion !== MODEL_FORMAT_VERSION) return bad(`unknown format version ${doc.formatVersion}`);
  checkKeys(doc, '', DOCUMENT_KEYS, bad);
  if (doc.producer !== undefined && typeof doc.producer !== 'string') bad(`producer is ${describeValue(doc.producer)}; expected a string such as '@keel/train@1.0.0'`);
  if (doc.dtype !== 'float32' && doc.dtype !== 'float64') return bad(`dtype is ${JSON.stringify(doc.dtype) ?? 'missing'}, expected 'float32' or 'float64'`);
  if (!isTensorFileName(doc.weights, 'weights', WEIGHTS_FILE)) {
    return bad(`weights is ${JSON.stringify(doc.weights) ?? 'missing'}, expected '${WEIGHTS_FILE}' or 'weights.<n>.safetensors'`);
  }

  const model = doc.model;
  if (!isRecord(model)) return bad("the 'model' section (the layers' config) is missing");
  checkModelSection(model, bad);

  if (doc.optimizer !== undefined) {
    const o = doc.optimizer;
    if (!isRecord(o)) return bad(`optimizer is ${describeValue(o)}; expected an object such as { id, config, state }`);
    checkOptimizerSection(o, bad);
    if (o.state !== null && !isTensorFileName(o.state, 'optimizer', OPTIMIZER_FILE)) {
      bad(`optimizer.state is ${JSON.stringify(o.state) ?? 'missing'}, expected '${OPTIMIZER_FILE}', 'optimizer.<n>.safetensors' or null`);
    }
  }
  if (doc.training !== undefined) checkTrainingSection(doc.training, bad);
  return doc as unknown as ModelDocument;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws naming every tensor (up to 10) whose name, dtype or shape differs between the model and the file. */
function checkFits(
  modelName: string,
  expected: ReadonlyMap<string, { readonly shape: readonly number[]; readonly dtype: DType }>,
  file: ReadonlyMap<string, { readonly shape: readonly number[]; readonly dtype: DType }>,
  where: string,
): void {
  const problems: string[] = [];
  for (const [name, t] of expected) {
    const found = file.get(name);
    if (found === undefined) problems.push(`${name}: missing from the file (the model needs ${formatShape(t.shape)} ${t.dtype})`);
    else if (found.dtype !== t.dtype) problems.push(`${name}: the file has ${found.dtype}, the model needs ${t.dtype}`);
    else if (found.shape.length !== t.shape.length || found.shape.some((d, i) => d !== t.shape[i])) {
      problems.push(`${name}: the file has ${formatShape(found.shape)}, the model needs ${formatShape(t.shape)}`);
    }
  }
  for (const [name, found] of file) {
    if (!expected.has(name)) problems.push(`${name}: in the file (${formatShape(found.shape)} ${found.dtype}) but not in the model`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('; ');
    const more = problems.length > 10 ? `; and ${problems.length - 10} more` : '';
    throw new ModelFileError(`does not fit model '${modelName}': ${shown}${more}`, where);
  }
}

/**
 * Rebuilds a model from decoded parts: model.json through modelFromConfig (which names any
 * plugin that is not installed), then checks every tensor's name, dtype and shape against the
 * model's parameters and buffers before assigning any of them.
 */
export function modelFromParts(parts: DecodedParts, registry: Registry, label: FileLabel = (file) => file, options: LoadOptions = {}): LoadedModel {
  const jsonWhere = label(MODEL_JSON);
  const doc = parts.document;
  const weightsWhere = label(doc.weights);
  const file = parts.weights.tensors;
  const inModelJson = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ModelConfigError || error instanceof ProvenanceError) throw new ModelFileError(error.message, jsonWhere, { cause: error });
      throw error;
    }
  };

  const notes: string[] = [];
  const provenance = { ignoreProvenance: options.ignoreProvenance === true, onNote: (note: string) => notes.push(note) };
  let model = inModelJson(() => modelFromConfig(doc.model, registry, provenance));
  if (doc.dtype !== model.dtype) {
    // ModelConfig does not record the dtype: rebuild the same layers with the saved one.
    model = new Sequential(model.layers, {
      name: doc.model.name,
      seed: doc.model.seed,
      registry,
      dtype: doc.dtype,
      ...(doc.model.inputShape === null ? {} : { inputShape: doc.model.inputShape }),
    });
  }
  if (model.inputShape === undefined) {
    throw new ModelFileError('model.inputShape is null, so the model cannot be built to receive its weights', jsonWhere);
  }
  // Every layer's weight shapes from the config alone, checked against the file before anything is
  // allocated: an edited size (filters: 1e8) fails here instead of allocating gigabytes.
  const plan = inModelJson(() => planWeights(model));
  if (plan.every((layer) => layer.weights !== undefined)) {
    const planned = new Map(plan.flatMap((layer) => [...layer.weights!].map(([name, shape]) => [name, { shape, dtype: doc.dtype }] as const)));
    checkFits(model.name, planned, file, weightsWhere);
  }
  model.build();

  const expected = namedTensors(model);
  checkFits(model.name, expected, file, weightsWhere);
  checkFingerprint(doc, parts.weights.metadata, jsonWhere, doc.weights);
  // inference reads no optimizer setting; training on would run with settings other than the saved ones
  if (options.optimizer !== false) checkOptimizerFingerprint(doc, parts.weights.metadata, jsonWhere, doc.weights);
  rejectNonFiniteParts(parts, label, options.optimizer !== false);
  for (const [name, t] of expected) {
    const found = file.get(name)!;
    t.assign(Tensor.fromValues(found.values, found.shape, found.dtype));
  }

  let optimizer: LoadedOptimizer | undefined;
  if (doc.optimizer !== undefined) {
    let state: StateTree | undefined;
    if (doc.optimizer.state !== null && options.optimizer !== false) {
      const optimizerWhere = label(doc.optimizer.state);
      if (parts.optimizer === undefined) throw new ModelFileError(`says the optimizer state is in ${doc.optimizer.state}, which is missing`, jsonWhere);
      const skeletonText = parts.optimizer.metadata['keel.state'];
      if (skeletonText === undefined) throw new ModelFileError("not Keel optimizer state: its metadata has no 'keel.state'", optimizerWhere);
      let skeleton: unknown;
      try {
        skeleton = JSON.parse(skeletonText);
      } catch (error) {
        throw new ModelFileError(`the 'keel.state' metadata is not valid JSON (${(error as Error).message})`, optimizerWhere);
      }
      state = unflattenState(skeleton, parts.optimizer.tensors, optimizerWhere);
      checkStateDigest(parts.weights.metadata, skeletonText, parts.optimizer.tensors, doc.optimizer.state, doc.weights, optimizerWhere);
    }
    const { id, plugin, version, config } = doc.optimizer;
    // The state continues the saved optimizer's run only under the same code: checked when it is
    // read (an optimizer that is not installed is the resuming caller's to report).
    if (options.optimizer !== false && plugin !== undefined && version !== undefined && registry.has('optimizer', id)) {
      try {
        notes.push(...checkProvenance([{ kind: 'optimizer', id, plugin, version }], registry));
      } catch (error) {
        if (!(error instanceof ProvenanceError)) throw error;
        if (!provenance.ignoreProvenance) throw new ModelFileError(error.message, jsonWhere, { cause: error });
        notes.push(...error.problems.map((problem) => `${problem} (ignored as asked)`));
      }
    }
    optimizer = { id, plugin: plugin === undefined || version === undefined ? undefined : { name: plugin, version }, config, state, stateFile: doc.optimizer.state };
  }
  return {
    model,
    preprocessing: doc.preprocessing,
    optimizer,
    training: doc.training as LoadedModel['training'],
    notes,
  };
}

/** What to load besides the model. */
export interface LoadOptions {
  /**
   * false: leave the optimizer state unread (inference needs only the weights, so a missing or
   * damaged optimizer file does not stop it); `optimizer.state` is then undefined. Default true.
   */
  readonly optimizer?: boolean;
  /**
   * true: load even when an id the model (or, with the optimizer state, its optimizer) uses is
   * provided by another package, or an incompatible version, than it was saved with. Default
   * false: that is a ModelFileError naming both (its cause a ProvenanceError from @keel/registry).
   */
  readonly ignoreProvenance?: boolean;
}

export interface DeserializeOptions extends LoadOptions {
  /** Where the files came from (a directory, an IndexedDB key), to name them in messages. */
  readonly source?: string;
}

/**
 * Rebuilds a saved model from its files (as `serializeModel` made them): every plugin it
 * needs must be installed in `registry` (the default one unless given), and every tensor must
 * fit. Pure and browser-safe.
 */
export function deserializeModel(files: Readonly<Record<string, Uint8Array>>, registry: Registry = defaultRegistry, options: DeserializeOptions = {}): LoadedModel {
  if (!isRecord(files)) throw new TypeError(`deserializeModel(files) must be the saved files by name ({ 'model.json': bytes, ... }, as serializeModel returns them), got ${describeValue(files)}`);
  checkRegistry('deserializeModel(files, registry)', registry);
  checkLoadOptions('deserializeModel', options, { source: { expected: 'where the files came from, a string', accepts: (v) => typeof v === 'string' } });
  const { source } = options;
  const json = files[MODEL_JSON];
  if (json === undefined) throw new ModelFileError(`not a Keel model: there is no ${MODEL_JSON}`, source);
  let modelJson: string;
  try {
    modelJson = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new ModelFileError('not valid UTF-8 text; the file is corrupt', within(source, MODEL_JSON));
  }
  const document = parseModelJson(modelJson, within(source, MODEL_JSON));
  // The files model.json names (a directory save names one generation's files; see GENERATION_FILE).
  const weightsBytes = files[document.weights];
  if (weightsBytes === undefined) throw new ModelFileError(`${MODEL_JSON} is there but ${document.weights} is missing`, source);
  const weights = decodeSafetensors(weightsBytes, within(source, document.weights));
  const optimizerFile = document.optimizer?.state ?? OPTIMIZER_FILE;
  const optimizerBytes = options.optimizer === false ? undefined : files[optimizerFile];
  const optimizer = optimizerBytes === undefined ? undefined : decodeSafetensors(optimizerBytes, within(source, optimizerFile));
  return modelFromParts({ document, weights, optimizer }, registry, (file) => within(source, file), options);
}

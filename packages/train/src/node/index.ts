// @keel/train/node: saving models to and loading them from directories (Node only).
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultRegistry, type Registry } from '@keel/registry';
import type { Sequential } from '@keel/layers';
import { checkOptions } from '@keel/registry';
import { checkExtras, checkLoadOptions, checkModelToSave, checkName, checkRegistry, functionField } from '../save/arguments.js';
import { loadModelFromBundle } from '../save/bundle.js';
import { ModelFileError } from '../save/errors.js';
import { deserializeModel, MODEL_JSON, OPTIMIZER_FILE, parseModelJson, serializeModel, WEIGHTS_FILE, type LoadedModel, type LoadOptions, type SaveExtras } from '../save/model-file.js';
import { formatJson, type JsonValue } from '../save/state.js';
import { commitGeneration, generationNumber, nodeIo, removeUnreferenced, type AtomicIo } from './atomic.js';
import { errorCode, fsReason } from '@keel/data/node';
import { lockModelDirectory, type ModelDirectoryLock } from './lock.js';
import { isKeelFile } from './names.js';
import { MAX_MODEL_JSON_BYTES, MAX_TENSOR_FILE_BYTES, readModelFile } from './read-file.js';
import { inspectModelJson, laterGenerations, recoverLegacySiblings, removeLeftovers } from './recover.js';

export { nodeIo, type AtomicIo } from './atomic.js';
export { describeHolder, lockModelDirectory, ModelDirectoryLockedError, staleLockHint, type LockHolder, type LockOptions, type ModelDirectoryLock } from './lock.js';
export { inspectModelJson, laterGenerations, recoverModelDirectory, type ModelJsonFiles } from './recover.js';
export { makeDirectory } from './make-directory.js';
export { MAX_MODEL_JSON_BYTES, MAX_TENSOR_FILE_BYTES } from './read-file.js';

export interface SaveModelOptions {
  /** The directory's lock, when the caller holds it for longer than one save (a training run); else saveModel takes it. */
  readonly lock?: ModelDirectoryLock;
  /** Called with each thing the save did that people should know (what an interrupted save left, and was removed). */
  readonly onNotice?: (message: string) => void;
  /** Only for tests: the file-system calls the save makes. */
  readonly io?: AtomicIo;
}

export interface SaveResult {
  /** The model directory (absolute). */
  readonly dir: string;
  /** What the save did besides saving, in words (also passed to `onNotice`). */
  readonly notices: readonly string[];
}

/**
 * Why `dir` (with `entries`) must not be replaced by a model: a directory that is not empty
 * and holds files Keel did not write, but no model.json, is someone else's.
 */
export function notAModelDirectory(entries: readonly string[]): string | undefined {
  if (entries.includes(MODEL_JSON) || entries.every(isKeelFile)) return undefined;
  return `it is not empty and has no ${MODEL_JSON}, so it is not a Keel model directory`;
}

/** model.json naming the files of one save. */
function modelJsonNaming(text: Uint8Array, names: { readonly weights: string; readonly optimizer: string | undefined }): Uint8Array {
  const doc = JSON.parse(new TextDecoder().decode(text)) as Record<string, JsonValue> & { optimizer?: Record<string, JsonValue> };
  doc.weights = names.weights;
  if (doc.optimizer !== undefined && doc.optimizer.state !== null) doc.optimizer.state = names.optimizer ?? null;
  return new TextEncoder().encode(`${formatJson(doc)}\n`);
}

/**
 * Saves the model to the directory `dir` (created if needed): model.json, and the weights (and,
 * with optimizer state in `extras`, the optimizer state) as safetensors files named by it. The
 * save is atomic: each save writes its tensor files under new names (`weights.<n>.safetensors`)
 * and fsyncs them, then commits by renaming a new model.json over the old one, so at every
 * instant model.json names one complete save. The files of earlier saves are removed afterwards.
 * The directory's lock is held while writing (another process saving there fails with
 * ModelDirectoryLockedError). A directory that holds files but no model.json is not replaced.
 */
export async function saveModel(model: Sequential, dir: string, extras: SaveExtras = {}, options: SaveModelOptions = {}): Promise<SaveResult> {
  checkModelToSave('saveModel(model)', model);
  checkName('saveModel(model, dir)', dir, 'the path of the model directory');
  checkExtras('saveModel(model, dir, extras)', extras);
  checkOptions('saveModel', options, {
    lock: { expected: 'the ModelDirectoryLock of dir (from lockModelDirectory)', accepts: (v) => typeof v === 'object' && v !== null && typeof (v as { dir?: unknown }).dir === 'string' },
    onNotice: functionField('a function (message) => void'),
    io: { expected: 'an AtomicIo (tests only)', accepts: (v) => typeof v === 'object' && v !== null },
  });
  const io = options.io ?? nodeIo;
  const target = resolve(dir);
  if (options.lock !== undefined && options.lock.dir !== target) throw new Error(`saveModel: the lock given is for ${options.lock.dir}, not ${target}`);
  const { files } = serializeModel(model, extras); // a model that cannot be saved fails before the disk is touched
  const notices = await recoverLegacySiblings(target, io);
  const existing = await io.kind(target);
  if (existing === 'other') throw new Error(`cannot save to ${target}: it exists and is not a directory`);
  const refuse = async (): Promise<void> => {
    const reason = notAModelDirectory(await io.readdir(target));
    if (reason !== undefined) throw new Error(`refusing to replace ${target}: ${reason}`);
  };
  if (existing === 'directory') await refuse();
  else await io.mkdir(target);

  const lock = options.lock ?? (await lockModelDirectory(target));
  try {
    if (options.lock === undefined) notices.push(...lock.notices);
    await refuse(); // again, now that no one else can write it
    const entries = await io.readdir(target);
    const previous = await inspectModelJson(target);
    const content = {
      weights: files[WEIGHTS_FILE],
      optimizer: files[OPTIMIZER_FILE],
      modelJson: (names: { readonly weights: string; readonly optimizer: string | undefined }) => modelJsonNaming(files[MODEL_JSON], names),
    };
    const written = await commitGeneration(target, entries, content, io);
    // The new model.json names the newest generation: every other tensor file is older.
    const removed = await removeUnreferenced(target, entries, { files: new Set(written), newest: generationNumber(written[0])! }, io);
    if (previous.state === 'valid') {
      const leftovers = removed.filter((name) => !previous.files.has(name));
      if (leftovers.length > 0) notices.push(`removed ${leftovers.join(', ')} from ${target}: left by a save that did not finish`);
    } else if (removed.length > 0) {
      const why = previous.state === 'absent' ? `there was no ${MODEL_JSON}` : `the ${MODEL_JSON} there was damaged or named files that were missing`;
      notices.push(`replaced the files at ${target} (${removed.join(', ')}): ${why}`);
    }
  } finally {
    if (options.lock === undefined) await lock.release();
  }
  for (const notice of notices) options.onNotice?.(notice);
  return { dir: target, notices };
}

export interface LoadModelOptions extends LoadOptions {
  /** Called with each thing loading did that people should know (an interrupted save cleaned up or recovered). */
  readonly onNotice?: (message: string) => void;
}

/** A model loaded from a directory or bundle file, and what loading did besides (see LoadModelOptions). */
export interface LoadedModelFromDisk extends LoadedModel {
  readonly notices: readonly string[];
}

function cannotRead(target: string, error: unknown): ModelFileError {
  const why = errorCode(error) === 'EACCES' || errorCode(error) === 'EPERM' ? 'permission denied; check the permissions of it and the directories above it' : fsReason(error);
  return new ModelFileError(`cannot read the model directory: ${why}`, target);
}

/** What a directory without model.json holds that a save left, said after "has no model.json". */
async function noModelJson(target: string): Promise<ModelFileError> {
  const left = laterGenerations(await readdir(target).catch(() => []), -1);
  const files = left.filter((name) => !name.startsWith('.'));
  const held = files.length === 0 ? '' : `; it holds ${files.join(', ')}, from a save whose ${MODEL_JSON} was removed or never written (they are kept)`;
  return new ModelFileError(`not a Keel model directory: ${target} has no ${MODEL_JSON}${held}`);
}

/** model.json and the files it names, read safely; `missing`: those of them that are not there. */
async function readModelFiles(target: string, withOptimizer: boolean): Promise<{ files: Record<string, Uint8Array>; missing: string[] }> {
  const jsonPath = join(target, MODEL_JSON);
  const json = await readModelFile(jsonPath, MODEL_JSON, MAX_MODEL_JSON_BYTES, { optional: true });
  if (json === undefined) throw await noModelJson(target);
  let document;
  try {
    document = parseModelJson(new TextDecoder('utf-8', { fatal: true }).decode(json), jsonPath);
  } catch {
    return { files: { [MODEL_JSON]: json }, missing: [] }; // deserializeModel reports what is wrong with it
  }
  const files: Record<string, Uint8Array> = { [MODEL_JSON]: json };
  const missing: string[] = [];
  const optimizer = withOptimizer ? (document.optimizer?.state ?? undefined) : undefined;
  for (const [name, what] of [[document.weights, 'weights file'], ...(optimizer === undefined ? [] : [[optimizer, 'optimizer state file']])] as const) {
    const bytes = await readModelFile(join(target, name), what, MAX_TENSOR_FILE_BYTES, { optional: true });
    if (bytes === undefined) missing.push(name);
    else files[name] = bytes;
  }
  return { files, missing };
}

/**
 * model.json names files that are missing: when the directory has files of a later save, model.json
 * was most likely replaced by an older copy (a backup put back). Says so; nothing was removed.
 */
async function explainMissing(target: string, missing: readonly string[]): Promise<void> {
  const later = laterGenerations(await readdir(target).catch(() => []), Math.max(...missing.map((name) => generationNumber(name) ?? 0)));
  const files = later.filter((name) => !name.startsWith('.'));
  if (files.length === 0) return;
  throw new ModelFileError(
    `${MODEL_JSON} names ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} missing; the directory has ${files.join(', ')} from a later save: ` +
      `${MODEL_JSON} may have been replaced by an older copy; put back the ${MODEL_JSON} that names them (nothing was removed)`,
    target,
  );
}

/**
 * Loads a model saved by `saveModel` from `dir` (or a one-file bundle from `encodeModelBundle`
 * / `modelDownloadBlob`, when `dir` is a file). Every plugin the model needs must be installed
 * in `registry` (the default registry unless given). Only regular files of a sane size are read.
 * What an interrupted save left is cleaned up (or, for a save by an earlier Keel that left no
 * directory, the previous model restored); `notices` says what was done.
 */
export async function loadModel(dir: string, registry: Registry = defaultRegistry, options: LoadModelOptions = {}): Promise<LoadedModelFromDisk> {
  checkName('loadModel(dir)', dir, 'the path of a model directory or bundle file');
  checkRegistry('loadModel(dir, registry)', registry);
  checkLoadOptions('loadModel', options, { onNotice: functionField('a function (message) => void') });
  const target = resolve(dir);
  const notices: string[] = [];
  const done = (loaded: LoadedModel): LoadedModelFromDisk => {
    for (const notice of notices) options.onNotice?.(notice);
    return { ...loaded, notices };
  };
  notices.push(...(await recoverLegacySiblings(target)));
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new ModelFileError(`no Keel model here: ${target} does not exist`);
    throw cannotRead(target, error);
  }
  if (!info.isDirectory()) {
    const bytes = await readModelFile(target, 'model bundle', MAX_TENSOR_FILE_BYTES);
    return done(loadModelFromBundle(bytes!, registry, target, { optimizer: options.optimizer !== false, ignoreProvenance: options.ignoreProvenance === true }));
  }
  notices.push(...(await removeLeftovers(target).catch(() => [])));
  let read = await readModelFiles(target, options.optimizer !== false);
  for (let attempt = 0; read.missing.length > 0 && attempt < 3; attempt++) {
    // A file model.json names is not there. If model.json changed meanwhile, another process saved
    // a new model (and removed the old files) while this one was read: read the new one.
    const again = await readModelFiles(target, options.optimizer !== false);
    const changed = Buffer.compare(again.files[MODEL_JSON], read.files[MODEL_JSON]) !== 0;
    read = again;
    if (!changed) break;
  }
  if (read.missing.length > 0) await explainMissing(target, read.missing);
  // (deserializeModel names a file that is still missing)
  return done(deserializeModel(read.files, registry, { source: target, optimizer: options.optimizer !== false, ignoreProvenance: options.ignoreProvenance === true }));
}

export type { LoadedModel, SaveExtras } from '../save/model-file.js';
export { csvLogger, jsonLogger, modelCheckpoint, type ModelCheckpointOptions } from './callbacks.js';

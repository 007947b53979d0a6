// @keel/train/node: saving models to and loading them from directories (Node only).
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { defaultRegistry, type Registry } from '@keel/registry';
import type { Sequential } from '@keel/layers';
import { loadModelFromBundle } from '../save/bundle.js';
import { ModelFileError } from '../save/errors.js';
import { deserializeModel, serializeModel, MODEL_JSON, OPTIMIZER_FILE, WEIGHTS_FILE, type LoadedModel, type SaveExtras } from '../save/model-file.js';
import { asidePrefix, writeDirectoryAtomic, type AtomicIo } from './atomic.js';

export { writeDirectoryAtomic, type AtomicIo } from './atomic.js';

/** Only for tests: the file-system calls saveModel makes. */
export interface SaveModelOptions {
  readonly io?: AtomicIo;
}

/**
 * Saves the model to the directory `dir` (created if needed): model.json, weights.safetensors
 * and, with optimizer state in `extras`, optimizer.safetensors. The write is atomic: the files
 * are written and fsynced in a temporary directory beside `dir`, then swapped in by renames, so
 * a failure or crash never leaves a half-written model in place of a good one. An existing
 * directory is replaced only if it is a Keel model directory (or empty).
 */
export async function saveModel(model: Sequential, dir: string, extras: SaveExtras = {}, options: SaveModelOptions = {}): Promise<void> {
  const { files } = serializeModel(model, extras);
  await writeDirectoryAtomic(dir, files, {
    ...(options.io === undefined ? {} : { io: options.io }),
    refuse: (entries) =>
      entries.length === 0 || entries.includes(MODEL_JSON) ? undefined : `it is not empty and has no ${MODEL_JSON}, so it is not a Keel model directory`,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A save interrupted between its two renames leaves the previous model beside `target`. */
async function interruptedSaveHint(target: string): Promise<string> {
  try {
    const prefix = basename(asidePrefix(target));
    const left = (await readdir(dirname(target))).filter((name) => name.startsWith(prefix));
    if (left.length === 0) return '';
    const path = join(dirname(target), left.sort().at(-1)!);
    return `; an interrupted save left the previous model at ${path}: rename it to ${target} to use it`;
  } catch {
    return '';
  }
}

/**
 * Loads a model saved by `saveModel` from `dir` (or a one-file bundle from `encodeModelBundle`
 * / `modelDownloadBlob`, when `dir` is a file). Every plugin the model needs must be installed
 * in `registry` (the default registry unless given).
 */
export async function loadModel(dir: string, registry: Registry = defaultRegistry): Promise<LoadedModel> {
  const target = resolve(dir);
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ModelFileError(`no Keel model here: ${target} does not exist${await interruptedSaveHint(target)}`);
    }
    throw error;
  }
  if (info.isFile()) return loadModelFromBundle(await readFile(target), registry, target);
  if (!(await exists(join(target, MODEL_JSON)))) {
    throw new ModelFileError(`not a Keel model directory: ${target} has no ${MODEL_JSON}`);
  }
  const files: Record<string, Uint8Array> = {};
  for (const name of [MODEL_JSON, WEIGHTS_FILE, OPTIMIZER_FILE]) {
    try {
      files[name] = await readFile(join(target, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return deserializeModel(files, registry, { source: target });
}

export type { LoadedModel, SaveExtras } from '../save/model-file.js';
export { csvLogger, jsonLogger, modelCheckpoint, type ModelCheckpointOptions } from './callbacks.js';

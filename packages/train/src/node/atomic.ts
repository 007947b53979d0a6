// Committing a save into a model directory in one atomic step: the rename of model.json.
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_JSON } from '../save/model-file.js';
import { errorCode } from '@keel/data/node';
import { makeDirectory } from './make-directory.js';
import { generationFile, generationOf, isKeelFile, LOCK_FILE, LOCK_TEMP, modelJsonTemp } from './names.js';

/** The file-system calls a save makes (tests wrap them to inject failures and crashes at each step). */
export interface AtomicIo {
  /** Creates a directory and its parents (no error if it exists; see makeDirectory). */
  readonly mkdir: (path: string) => Promise<unknown>;
  /** Creates `path` (which must not exist), writes all of `data`, fsyncs and closes it. */
  readonly writeFileSynced: (path: string, data: Uint8Array) => Promise<void>;
  /** fsyncs a directory so the entries in it are durable (a no-op where the platform cannot). */
  readonly syncDirectory: (path: string) => Promise<void>;
  readonly rename: (from: string, to: string) => Promise<void>;
  /** Removes a file or a directory tree (no error if it is gone). */
  readonly remove: (path: string) => Promise<void>;
  readonly kind: (path: string) => Promise<'missing' | 'directory' | 'other'>;
  readonly readdir: (path: string) => Promise<string[]>;
}

export const nodeIo: AtomicIo = {
  mkdir: (path) => makeDirectory(path),
  async writeFileSynced(path, data) {
    const handle = await fs.open(path, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async syncDirectory(path) {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      if (['EISDIR', 'EPERM', 'EACCES'].includes(errorCode(error) ?? '')) return; // Windows cannot open directories
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      if (!['EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].includes(errorCode(error) ?? '')) throw error; // no directory fsync here
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.rename(from, to),
  remove: (path) => fs.rm(path, { recursive: true, force: true }),
  async kind(path) {
    try {
      return (await fs.stat(path)).isDirectory() ? 'directory' : 'other';
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 'missing';
      throw error;
    }
  },
  readdir: (path) => fs.readdir(path),
};

/** One save's tensor files, and its model.json once their names are known. */
export interface GenerationContent {
  readonly weights: Uint8Array;
  readonly optimizer: Uint8Array | undefined;
  readonly modelJson: (names: { readonly weights: string; readonly optimizer: string | undefined }) => Uint8Array;
}

/**
 * Writes one save into the directory `dir` (which exists, and whose lock the caller holds), given
 * its current `entries`: the tensor files under a new generation number, fsynced; then the new
 * model.json under a temporary name; then renames it over model.json. That rename is the commit
 * point: before it, model.json names the previous save's files, after it the new ones, and both
 * sets are complete. A failure before it removes what this save wrote. Returns the files the new
 * model.json names.
 */
export async function commitGeneration(dir: string, entries: readonly string[], content: GenerationContent, io: AtomicIo): Promise<string[]> {
  const generation = 1 + Math.max(0, ...entries.map((name) => generationOf(name) ?? 0));
  const names = { weights: generationFile('weights', generation), optimizer: content.optimizer === undefined ? undefined : generationFile('optimizer', generation) };
  const temp = modelJsonTemp(generation);
  const written: string[] = [];
  const write = async (name: string, data: Uint8Array): Promise<void> => {
    written.push(name);
    await io.writeFileSynced(join(dir, name), data);
  };
  try {
    await write(names.weights, content.weights);
    if (names.optimizer !== undefined) await write(names.optimizer, content.optimizer!);
    await write(temp, content.modelJson(names));
    await io.syncDirectory(dir); // the new files' entries are durable before model.json names them
    await io.rename(join(dir, temp), join(dir, MODEL_JSON));
  } catch (error) {
    for (const name of written) await io.remove(join(dir, name)).catch(() => undefined);
    throw error;
  }
  await io.syncDirectory(dir); // and the commit itself
  return names.optimizer === undefined ? [names.weights] : [names.weights, names.optimizer];
}

/**
 * The generation of a tensor file or temporary model.json (the canonical names of saves before
 * generations, `weights.safetensors`, count as 0); undefined for any other name.
 */
export function generationNumber(name: string): number | undefined {
  return isKeelFile(name) && name !== MODEL_JSON && name !== LOCK_FILE && !LOCK_TEMP.test(name) ? (generationOf(name) ?? 0) : undefined;
}

/**
 * Removes the Keel files in `dir` of generations older than `newest`, the newest one model.json
 * names (`referenced`, which must have been checked to exist: see recover.ts): earlier saves, and
 * what an interrupted earlier save left. Never model.json, the lock, files Keel did not write, or
 * a file of generation `newest` or later: model.json may have been replaced by an older copy, and
 * those files are then the only copy of the newest model. Returns the names removed; a file that
 * cannot be removed is left for next time.
 */
export async function removeUnreferenced(dir: string, entries: readonly string[], referenced: { readonly files: ReadonlySet<string>; readonly newest: number }, io: AtomicIo): Promise<string[]> {
  const removed: string[] = [];
  for (const name of entries) {
    const generation = generationNumber(name);
    if (generation === undefined || generation >= referenced.newest || referenced.files.has(name)) continue;
    try {
      await io.remove(join(dir, name));
      removed.push(name);
    } catch {
      // harmless: loading ignores files model.json does not name
    }
  }
  return removed;
}

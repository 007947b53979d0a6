// Cleaning up after saves that did not finish (a crash, a kill, a full disk), and saying so.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MODEL_JSON } from '../save/model-file.js';
import { nodeIo, removeUnreferenced, type AtomicIo } from './atomic.js';
import { errorCode, fsError } from '@keel/data/node';
import { holderAlive, lockModelDirectory, ModelDirectoryLockedError, readHolder, type ModelDirectoryLock } from './lock.js';
import { LOCK_TEMP, legacyAsidePrefix, legacyStagingPrefix } from './names.js';
import { MAX_MODEL_JSON_BYTES, readModelFile } from './read-file.js';

/**
 * The files model.json in `dir` names: an empty set when there is no model.json, undefined when
 * it cannot be read or parsed (then nothing may be removed: what it needs is unknown).
 */
export async function referencedFiles(dir: string): Promise<Set<string> | undefined> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readModelFile(join(dir, MODEL_JSON), MODEL_JSON, MAX_MODEL_JSON_BYTES, { optional: true });
  } catch {
    return undefined;
  }
  if (bytes === undefined) return new Set();
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { weights?: unknown; optimizer?: { state?: unknown } };
    const names = [doc.weights, doc.optimizer?.state].filter((name): name is string => typeof name === 'string');
    return names.length === 0 ? undefined : new Set(names);
  } catch {
    return undefined;
  }
}

/**
 * Saves by earlier versions of Keel staged a whole directory beside the target
 * (`.<name>.saving-*`) and set the previous one aside (`.<name>.old-*`) while renaming; a crash
 * between the renames left no directory at the target. Puts the newest set-aside model back when
 * the target is missing, and removes the rest. Returns what it did, in words.
 */
export async function recoverLegacySiblings(target: string, io: AtomicIo = nodeIo): Promise<string[]> {
  const parent = dirname(target);
  let names: string[];
  try {
    names = await io.readdir(parent);
  } catch {
    return []; // a missing or unreadable parent: the save or load says what is wrong
  }
  const staging = names.filter((name) => name.startsWith(legacyStagingPrefix(target)));
  const aside = names.filter((name) => name.startsWith(legacyAsidePrefix(target)));
  if (staging.length === 0 && aside.length === 0) return [];
  const notices: string[] = [];
  if (aside.length > 0 && (await io.kind(target)) === 'missing') {
    const times = await Promise.all(aside.map(async (name) => (await stat(join(parent, name)).catch(() => undefined))?.mtimeMs ?? 0));
    const newest = aside[times.indexOf(Math.max(...times))];
    try {
      await io.rename(join(parent, newest), target);
      notices.push(`restored ${target} from ${join(parent, newest)}, where an interrupted save (by an earlier Keel) had left the previous model`);
      aside.splice(aside.indexOf(newest), 1);
    } catch (error) {
      if ((await io.kind(target)) === 'missing') throw fsError(`restore the previous model from ${join(parent, newest)} to`, target, error);
      // another process restored it first
    }
  }
  if ((await io.kind(target)) !== 'directory') return notices;
  for (const name of [...staging, ...aside]) {
    try {
      await io.remove(join(parent, name));
      notices.push(`removed ${join(parent, name)}, left beside ${target} by an interrupted save (by an earlier Keel)`);
    } catch {
      // left for next time
    }
  }
  return notices;
}

/** Removes lock files that processes on this host, no longer running, were creating. */
async function removeDeadLockTemps(dir: string, entries: readonly string[], io: AtomicIo): Promise<void> {
  for (const name of entries.filter((n) => LOCK_TEMP.test(n))) {
    const holder = await readHolder(join(dir, name)).catch(() => undefined);
    if (holder !== undefined && !holderAlive(holder)) await io.remove(join(dir, name)).catch(() => undefined);
  }
}

/**
 * Removes, from the model directory `dir`, the files of saves that did not finish (tensor files
 * and temporary model.json files that model.json does not name), holding the directory's lock
 * (`lock` when the caller holds it). When another process is saving there, or the lock cannot be
 * taken (a read-only directory), nothing is removed: loading ignores such files anyway.
 */
export async function removeLeftovers(dir: string, options: { readonly lock?: ModelDirectoryLock; readonly io?: AtomicIo } = {}): Promise<string[]> {
  const io = options.io ?? nodeIo;
  let lock = options.lock;
  const notices: string[] = [];
  if (lock === undefined) {
    try {
      lock = await lockModelDirectory(dir, { command: 'a Keel load cleaning up' });
    } catch (error) {
      if (error instanceof ModelDirectoryLockedError || errorCode(error) !== undefined) return [];
      throw error;
    }
    notices.push(...lock.notices);
  }
  try {
    const entries = await io.readdir(dir);
    const referenced = await referencedFiles(dir);
    if (referenced === undefined) return notices;
    await removeDeadLockTemps(dir, entries, io);
    const removed = await removeUnreferenced(dir, entries, referenced, io);
    if (removed.length > 0) notices.push(`removed ${removed.join(', ')} from ${dir}: left by a save that did not finish`);
    return notices;
  } finally {
    if (options.lock === undefined) await lock.release();
  }
}

/**
 * Cleans up what interrupted saves left at and beside the model directory `dir`, and returns what
 * it did, in words (print them). `loadModel` and `saveModel` do this themselves; call it to report
 * the notices before opening a model some other way.
 */
export async function recoverModelDirectory(dir: string, options: { readonly lock?: ModelDirectoryLock; readonly io?: AtomicIo } = {}): Promise<string[]> {
  const target = resolve(dir);
  const io = options.io ?? nodeIo;
  const notices = await recoverLegacySiblings(target, io);
  if ((await io.kind(target).catch(() => 'other')) !== 'directory') return notices;
  return [...notices, ...(await removeLeftovers(target, options))];
}

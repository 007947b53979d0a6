// Cleaning up after saves that did not finish (a crash, a kill, a full disk), and saying so.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkName } from '../save/arguments.js';
import { MODEL_JSON, parseModelJson } from '../save/model-file.js';
import { generationNumber, nodeIo, removeUnreferenced, type AtomicIo } from './atomic.js';
import { errorCode, fsError } from '@keel/data/node';
import { holderAlive, lockModelDirectory, ModelDirectoryLockedError, readHolder, type ModelDirectoryLock } from './lock.js';
import { LOCK_TEMP, legacyAsidePrefix, legacyStagingPrefix } from './names.js';
import { MAX_MODEL_JSON_BYTES, readModelFile } from './read-file.js';

/** What model.json in a model directory says about the files beside it. */
export type ModelJsonFiles =
  /** A valid model.json whose files exist: they, and the newest generation among them. */
  | { readonly state: 'valid'; readonly files: ReadonlySet<string>; readonly newest: number }
  | { readonly state: 'absent' }
  /** Unreadable, not valid, or naming files that are not there (`missing`): what it needs is unknown. */
  | { readonly state: 'unusable'; readonly missing: readonly string[] };

/**
 * Reads and fully checks model.json in `dir` (parseModelJson), and whether the files it names are
 * there as regular files. Only a 'valid' answer lets anything in `dir` be removed.
 */
export async function inspectModelJson(dir: string): Promise<ModelJsonFiles> {
  let document;
  try {
    const bytes = await readModelFile(join(dir, MODEL_JSON), MODEL_JSON, MAX_MODEL_JSON_BYTES, { optional: true });
    if (bytes === undefined) return { state: 'absent' };
    document = parseModelJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes), join(dir, MODEL_JSON));
  } catch {
    return { state: 'unusable', missing: [] };
  }
  const names = [document.weights, ...(typeof document.optimizer?.state === 'string' ? [document.optimizer.state] : [])];
  const missing: string[] = [];
  for (const name of names) {
    if ((await stat(join(dir, name)).catch(() => undefined))?.isFile() !== true) missing.push(name);
  }
  if (missing.length > 0) return { state: 'unusable', missing };
  return { state: 'valid', files: new Set(names), newest: Math.max(...names.map((name) => generationNumber(name) ?? 0)) };
}

/** The tensor and temporary files in `entries` of a generation later than `generation`, sorted. */
export function laterGenerations(entries: readonly string[], generation: number): string[] {
  return entries.filter((name) => (generationNumber(name) ?? -1) > generation).sort();
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
 * Removes, from the model directory `dir`, the files of earlier saves and of saves that did not
 * finish (tensor files and temporary model.json files older than those model.json names; only
 * when model.json is valid and its files are there; see removeUnreferenced), holding the directory's lock
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
    await removeDeadLockTemps(dir, entries, io);
    const model = await inspectModelJson(dir);
    if (model.state !== 'valid') return notices; // loading says what is wrong; nothing is removed
    const removed = await removeUnreferenced(dir, entries, model, io);
    if (removed.length > 0) notices.push(`removed ${removed.join(', ')} from ${dir}: left by a save that did not finish`);
    const later = laterGenerations(entries, model.newest);
    if (later.length > 0) {
      notices.push(
        `kept ${later.join(', ')} in ${dir}, newer than the files ${MODEL_JSON} names (${[...model.files].join(', ')}): ` +
          `left by a save that did not finish, or ${MODEL_JSON} was replaced by an older copy; the next save there removes them`,
      );
    }
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
  checkName('recoverModelDirectory(dir)', dir, 'the path of a model directory');
  const target = resolve(dir);
  const io = options.io ?? nodeIo;
  const notices = await recoverLegacySiblings(target, io);
  if ((await io.kind(target).catch(() => 'other')) !== 'directory') return notices;
  return [...notices, ...(await removeLeftovers(target, options))];
}

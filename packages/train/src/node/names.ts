// The names Keel gives the files in a model directory, and the hidden ones beside it.
import { basename, dirname, join } from 'node:path';
import { GENERATION_FILE, MODEL_JSON, OPTIMIZER_FILE, WEIGHTS_FILE } from '../save/model-file.js';

export { GENERATION_FILE };

/** The lock a save holds while it writes the directory (see lock.ts). */
export const LOCK_FILE = '.keel-lock';
/** A lock being created, or one being taken over: `.keel-lock.<token>`. */
export const LOCK_TEMP = /^\.keel-lock\.[0-9a-z-]+$/;
/** The next model.json of generation n, written before it is renamed over model.json. */
export const MODEL_JSON_TEMP = /^\.model\.json\.([1-9][0-9]{0,15})\.saving$/;

export function modelJsonTemp(generation: number): string {
  return `.model.json.${generation}.saving`;
}

export function generationFile(kind: 'weights' | 'optimizer', generation: number): string {
  return `${kind}.${generation}.safetensors`;
}

/** The generation number in a generation file or temporary model.json name, if it is one. */
export function generationOf(name: string): number | undefined {
  const match = GENERATION_FILE.exec(name) ?? MODEL_JSON_TEMP.exec(name);
  if (match === null) return undefined;
  return Number(match[match.length - 1]);
}

/** A file Keel writes into a model directory (anything else there is the user's). */
export function isKeelFile(name: string): boolean {
  return name === MODEL_JSON || name === WEIGHTS_FILE || name === OPTIMIZER_FILE || name === LOCK_FILE || LOCK_TEMP.test(name) || generationOf(name) !== undefined;
}

/** Saves before 0.x staged a whole directory beside the target and renamed it in; crashes left these. */
export function legacyStagingPrefix(target: string): string {
  return `.${basename(target)}.saving-`;
}

export function legacyAsidePrefix(target: string): string {
  return `.${basename(target)}.old-`;
}

export function sibling(target: string, name: string): string {
  return join(dirname(target), name);
}

// A flag that takes a model directory (--model, --resume, --out) given one of the model's files
// instead: said plainly, with the directory to pass, before the file is read as something else
// (eval took model.json for a one-file bundle; train --resume blamed --out).
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from './errors.js';

/** The files a saved model directory holds, by name (as `saveModel` writes them, any generation). */
const MODEL_FILES: readonly [RegExp, string][] = [
  [/^model\.json$/, 'the model file'],
  [/^weights(\.[1-9][0-9]*)?\.safetensors$/, 'the weights file'],
  [/^optimizer(\.[1-9][0-9]*)?\.safetensors$/, 'the optimizer state file'],
];

/**
 * A usage error when `given`, the value of `--flag`, is a file of a saved model (its model.json,
 * or a weights or optimizer file beside one) rather than the model's directory. Anything else
 * (a directory, a path that does not exist yet, a one-file bundle) is left to the command.
 */
export function checkModelDirFlag(flag: string, given: string | undefined): void {
  if (given === undefined) return;
  const path = resolve(given);
  let isFile: boolean;
  try {
    isFile = statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return; // cannot be read: the command names the problem
  }
  if (!isFile) return;
  const name = basename(path);
  const what = MODEL_FILES.find(([pattern]) => pattern.test(name))?.[1];
  // model.json is always a model's; a weights or optimizer file only beside a model.json (else it may be a bundle).
  if (what === undefined || (name !== 'model.json' && !existsSync(join(dirname(path), 'model.json')))) return;
  const dir = dirname(given);
  const of = name === 'model.json' ? `of ${dir}` : `of the model in ${dir}`;
  throw usageError(`--${flag} ${given} is ${what} ${of}; --${flag} takes the model directory: pass --${flag} ${dir}`);
}

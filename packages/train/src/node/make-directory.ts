// Creating a model directory and its parents with a bounded walk of our own: Node's
// mkdir({ recursive: true }) loops forever where a parent answers ENOENT to mkdir (/proc), and
// reports a dangling symbolic link as "a part of the path is a file".
import { lstat, mkdir, readlink, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errorCode, fsReason } from '@keel/data/node';
import { checkName } from '../save/arguments.js';

function failure(message: string, cause?: unknown): Error {
  const error = new Error(message, { cause });
  (error as NodeJS.ErrnoException).code = errorCode(cause) ?? 'ENOTDIR';
  return error;
}

/**
 * What is at `path`: 'missing', 'directory' (or a link to one), or a thrown Error saying why it
 * cannot hold directories (a file, a dangling symbolic link, no permission to look).
 */
async function existingKind(path: string): Promise<'missing' | 'directory'> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    // ENOTDIR: a file above it, which the walk up reaches and names
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return 'missing';
    throw failure(`cannot look at ${path}: ${fsReason(error)}`, error);
  }
  if (info.isSymbolicLink()) {
    const to = await readlink(path).catch(() => '?');
    try {
      info = await stat(path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw failure(`${path} is a symbolic link to ${to}, which does not exist`, error);
      throw failure(`${path} is a symbolic link to ${to}, which cannot be followed: ${fsReason(error)}`, error);
    }
  }
  if (!info.isDirectory()) throw failure(`${path} is a file, not a directory`);
  return 'directory';
}

/**
 * Creates the directory `path` and any missing parents: finds the nearest existing ancestor, then
 * creates each level below it, one mkdir each. Returns the first directory it created (undefined
 * when `path` was already a directory). Every failure names the path at fault.
 */
export async function makeDirectory(path: string): Promise<string | undefined> {
  checkName('makeDirectory(path)', path, 'the path of the directory to create');
  const target = resolve(path);
  const missing: string[] = [];
  for (let dir = target; ; dir = dirname(dir)) {
    if ((await existingKind(dir)) === 'directory') break;
    missing.unshift(dir);
    if (dirname(dir) === dir) throw failure(`cannot create ${target}: its root ${dir} does not exist`);
  }
  for (const dir of missing) {
    try {
      await mkdir(dir);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST' && (await existingKind(dir)) === 'directory') continue; // made by another process just now
      const why = code === 'ENOENT' ? `${dirname(dir)} does not accept new directories` : fsReason(error);
      throw failure(`cannot create the directory ${dir}: ${why}`, error);
    }
  }
  return missing[0];
}

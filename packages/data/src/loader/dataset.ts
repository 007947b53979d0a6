import { checkOptions, optionField } from '@keel/registry';
import { Random } from '@keel/tensor';
import { countArgument, datasetArgument, describeValue, functionArgument } from '../arguments.js';

/** One example: features (flat, with the dataset's per-example shape) and a target. */
export interface Example {
  readonly x: Float32Array;
  /** A class index, or a flat target vector (regression, one-hot). */
  readonly y: number | Float32Array;
}

/** A random-access data set. */
export interface Dataset<T = Example> {
  readonly length: number;
  get(index: number): T;
}

/** Features and targets held in flat arrays: the fast path the DataLoader copies rows from. */
export class ArrayDataset implements Dataset<Example> {
  readonly length: number;
  readonly featureSize: number;
  readonly targetSize: number;

  /**
   * @param features `length × prod(featureShape)` values, example-major.
   * @param featureShape the shape of one example, e.g. [784] or [28, 28, 1].
   * @param targets class indices (targetShape []) or `length × prod(targetShape)` values.
   */
  constructor(
    readonly features: Float32Array,
    readonly featureShape: readonly number[],
    readonly targets: Float32Array | Uint8Array,
    readonly targetShape: readonly number[] = [],
  ) {
    if (!(features instanceof Float32Array)) throw new TypeError(`ArrayDataset(features) must be a Float32Array, got ${describeValue(features)}`);
    const shape: unknown = featureShape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) > 0)) {
      throw new TypeError(`ArrayDataset(features, featureShape) must be an array of positive integers such as [784], got ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describeValue(shape)}`);
    }
    if (!(targets instanceof Float32Array || targets instanceof Uint8Array)) {
      throw new TypeError(`ArrayDataset(features, featureShape, targets) must be a Float32Array or a Uint8Array (class indices), got ${describeValue(targets)}`);
    }
    const targetDims: unknown = targetShape;
    if (!Array.isArray(targetDims) || !targetDims.every((d) => Number.isInteger(d) && (d as number) > 0)) {
      throw new TypeError(
        `ArrayDataset(features, featureShape, targets, targetShape) must be an array of positive integers ([] for class indices, [10] for one-hot rows), got ${Array.isArray(targetDims) ? `[${targetDims.join(', ')}]` : describeValue(targetDims)}`,
      );
    }
    this.featureSize = featureShape.reduce((a, b) => a * b, 1);
    this.targetSize = targetShape.reduce((a, b) => a * b, 1);
    if (this.featureSize === 0 || features.length % this.featureSize !== 0) {
      throw new RangeError(`ArrayDataset: ${features.length} feature values do not divide into examples of shape [${featureShape.join(', ')}]`);
    }
    this.length = features.length / this.featureSize;
    if (targets.length !== this.length * this.targetSize) {
      throw new RangeError(`ArrayDataset: ${this.length} examples but ${targets.length} target values (expected ${this.length * this.targetSize} for target shape [${targetShape.join(', ')}])`);
    }
  }

  get(index: number): Example {
    checkIndex(index, this.length);
    const x = this.features.subarray(index * this.featureSize, (index + 1) * this.featureSize);
    const y = this.targetSize === 1 && this.targetShape.length === 0 ? this.targets[index] : Float32Array.from(this.targets.subarray(index * this.targetSize, (index + 1) * this.targetSize));
    return { x, y };
  }

  /** The class index of an example (for stratified splits), when targets are indices. */
  label(index: number): number {
    checkIndex(index, this.length);
    return this.targets[index * this.targetSize];
  }
}

/** Throws a RangeError unless `index` is a whole number in 0..length-1. */
export function checkIndex(index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`index ${typeof index === 'number' ? index : describeValue(index)} is outside the data set (0..${length - 1})`);
  }
}

/** A view of some examples of a data set, by index (take, skip, filter and split return these). */
export class Subset<T> implements Dataset<T> {
  constructor(
    readonly source: Dataset<T>,
    readonly indices: readonly number[],
  ) {
    datasetArgument('Subset(source)', source);
    const given: unknown = indices;
    if (!Array.isArray(given)) throw new TypeError(`Subset(source, indices) must be an array of example indices, got ${describeValue(given)}`);
    // checked now, not when read: a bad index would otherwise surface epochs later, far from here
    const bad = given.findIndex((i) => !(Number.isInteger(i) && (i as number) >= 0 && (i as number) < source.length));
    if (bad >= 0) {
      throw new RangeError(`Subset(source, indices): indices[${bad}] is ${describeValue(given[bad])}, not an index of the source's ${source.length} examples (0..${source.length - 1})`);
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex(index, this.indices.length);
    return this.source.get(this.indices[index]);
  }
}

/** The first `count` examples (all of them when there are fewer). */
export function take<T>(dataset: Dataset<T>, count: number): Subset<T> {
  datasetArgument('take(dataset)', dataset);
  countArgument('take(dataset, count)', count, 'a whole number >= 0 (how many examples to keep)');
  return new Subset(dataset, range(0, Math.min(count, dataset.length)));
}

/** Every example after the first `count` (none when there are fewer). */
export function skip<T>(dataset: Dataset<T>, count: number): Subset<T> {
  datasetArgument('skip(dataset)', dataset);
  countArgument('skip(dataset, count)', count, 'a whole number >= 0 (how many examples to leave out)');
  return new Subset(dataset, range(Math.min(count, dataset.length), dataset.length));
}

export function filter<T>(dataset: Dataset<T>, keep: (example: T, index: number) => boolean): Subset<T> {
  datasetArgument('filter(dataset)', dataset);
  functionArgument('filter(dataset, keep)', keep, 'a function (example, index) => boolean');
  const indices: number[] = [];
  for (let i = 0; i < dataset.length; i++) if (keep(dataset.get(i), i)) indices.push(i);
  return new Subset(dataset, indices);
}

/** Applies `fn` to each example as it is read. */
export function map<T, U>(dataset: Dataset<T>, fn: (example: T, index: number) => U): Dataset<U> {
  datasetArgument('map(dataset)', dataset);
  functionArgument('map(dataset, fn)', fn, 'a function (example, index) => example');
  return { length: dataset.length, get: (index) => fn(dataset.get(index), index) };
}

/** One data set after another. */
export function concat<T>(...datasets: Dataset<T>[]): Dataset<T> {
  datasets.forEach((d, i) => datasetArgument(`concat(datasets[${i}])`, d));
  const length = datasets.reduce((n, d) => n + d.length, 0);
  return {
    length,
    get(index) {
      checkIndex(index, length);
      let offset = index;
      for (const d of datasets) {
        if (offset < d.length) return d.get(offset);
        offset -= d.length;
      }
      throw new RangeError(`index ${index} is outside the data set`);
    },
  };
}

export interface SplitOptions {
  /** Shuffle before splitting (seeded); true by default. */
  shuffle?: boolean;
  seed?: number;
  /** Keep each class's share equal in both parts (needs integer class targets). */
  stratify?: boolean;
}

const SPLIT_OPTIONS = { shuffle: optionField.boolean(), seed: optionField.integer(0, 0xffffffff), stratify: optionField.boolean() };

/** Splits into [first, second] with `fraction` of the examples in the second (a validation split). */
export function split<T extends Example>(dataset: Dataset<T>, fraction: number, options: SplitOptions = {}): [Subset<T>, Subset<T>] {
  datasetArgument('split(dataset)', dataset);
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    throw new RangeError(`split: fraction must be between 0 and 1 (exclusive: the share of examples in the second part, e.g. 0.1), got ${describeValue(fraction)}`);
  }
  checkOptions('split', options, SPLIT_OPTIONS);
  const random = new Random(options.seed ?? 0);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < dataset.length; i++) {
    const key = options.stratify === true ? labelOf(dataset, i) : 0;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(i);
  }
  const first: number[] = [];
  const second: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const group = groups.get(key)!;
    if (options.shuffle !== false) random.shuffle(group);
    const cut = group.length - Math.round(group.length * fraction);
    first.push(...group.slice(0, cut));
    second.push(...group.slice(cut));
  }
  if (options.stratify === true) {
    first.sort((a, b) => a - b);
    second.sort((a, b) => a - b);
  }
  return [new Subset(dataset, first), new Subset(dataset, second)];
}

function labelOf<T extends Example>(dataset: Dataset<T>, index: number): number {
  const { y } = dataset.get(index);
  if (typeof y !== 'number') throw new TypeError('split: stratify needs integer class targets, but this data set has vector targets');
  return y;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

import { checkOptions, optionField, type OptionFields } from '@keel/registry';
import { gather, jsBackend, Random, reshape, Tensor } from '@keel/tensor';
import { countArgument, datasetArgument, describeValue, isShape } from '../arguments.js';
import { ArrayDataset, checkIndex, Subset, type Dataset, type Example } from './dataset.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** Reshuffle every epoch (seeded: epoch e of a run with seed s is always the same order). */
  shuffle?: boolean;
  seed?: number;
  /** Drop a last batch smaller than batchSize. */
  dropLast?: boolean;
  /** The shape of one example's features; read from an ArrayDataset when omitted. */
  featureShape?: readonly number[];
}

/** A batch: features [n, ...featureShape] and targets [n] (class indices) or [n, ...]. */
export interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly size: number;
}

const LOADER_OPTIONS: OptionFields = {
  batchSize: { expected: 'a positive integer', required: true, accepts: () => true }, // checked below, with its own message
  shuffle: optionField.boolean(),
  seed: optionField.integer(0, 0xffffffff),
  dropLast: optionField.boolean(),
  featureShape: { expected: 'an array of positive integers such as [784] or [28, 28, 1]', accepts: isShape },
};

/** Batches a data set into tensors, with seeded, reproducible shuffling. */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  private epochCount = 0;
  /** The shape of one example's features. */
  readonly featureShape: readonly number[];
  /** Where batches are copied from when the data set is an ArrayDataset (or subsets of one). */
  private readonly rows: RowSource | undefined;
  /** The data set's length when the loader was made: it must not change while the loader reads it. */
  private readonly size: number;

  constructor(
    readonly dataset: Dataset<Example>,
    private readonly options: DataLoaderOptions,
  ) {
    datasetArgument('DataLoader(dataset)', dataset);
    this.size = dataset.length;
    checkOptions('DataLoader', options, LOADER_OPTIONS);
    if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${typeof options.batchSize === 'number' ? options.batchSize : describeValue(options.batchSize)}`);
    }
    this.batchSize = options.batchSize;
    this.rows = rowSource(dataset);
    const shape = options.featureShape ?? this.rows?.root.featureShape;
    if (shape === undefined) {
      throw new TypeError(
        'DataLoader: the data set is not an ArrayDataset (or a take/skip/filter/split of one), so the shape of its examples is unknown: ' +
          'pass featureShape (e.g. { batchSize: 32, featureShape: [784] }), or build an ArrayDataset from its features and targets',
      );
    }
    this.featureShape = shape;
  }

  /**
   * The data set's length, which must still be what it was when the loader was made: a length
   * getter that changes between reads would otherwise give an epoch of the wrong number of
   * batches, indices outside the data, or a raw RangeError from a typed array of length -1.
   */
  private examples(): number {
    const n: unknown = this.dataset.length;
    if (n !== this.size) {
      throw new RangeError(
        `DataLoader: the length of the data set (${describeValue(this.dataset)}) was ${this.size} when the loader was made and is now ${typeof n === 'number' ? n : describeValue(n)}; ` +
          "a Dataset's length must not change while it is read (a length getter that counts?): fix the data set's length, or make a new DataLoader after changing the data",
      );
    }
    return n;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.examples();
    return this.options.dropLast === true ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The example order of epoch `epoch`. */
  order(epoch: number): Uint32Array {
    countArgument('DataLoader.order(epoch)', epoch, 'a whole number >= 0 (the epoch, from 0)');
    const indices = new Uint32Array(this.examples());
    for (let i = 0; i < indices.length; i++) indices[i] = i;
    if (this.options.shuffle === true) new Random(((this.options.seed ?? 0) * 1_000_003 + epoch) >>> 0).shuffle(indices);
    return indices;
  }

  /** Iterates one epoch; each new iteration is the next epoch (with its own shuffle). */
  [Symbol.iterator](): Iterator<Batch> {
    return this.epoch(this.epochCount++);
  }

  /** Iterates epoch `epoch` (so a resumed run can continue exactly where it stopped). */
  *epoch(epoch: number): Generator<Batch> {
    countArgument('DataLoader.epoch(epoch)', epoch, 'a whole number >= 0 (the epoch, from 0)');
    const order = this.order(epoch);
    for (let b = 0; b < this.length; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      yield this.collate(indices);
    }
  }

  /**
   * Copies the examples at `indices` into one batch of tensors. From an ArrayDataset the features
   * are one `gather` of rows on the current backend (a native kernel writes straight into the
   * batch's memory); the batch's tensors belong to the caller, who may dispose them.
   */
  collate(indices: ArrayLike<number>): Batch {
    const given: unknown = indices;
    if (!(Array.isArray(given) || (ArrayBuffer.isView(given) && !(given instanceof DataView))) || (given as ArrayLike<unknown>).length === 0) {
      throw new TypeError(`DataLoader.collate(indices) must be a non-empty array of example indices, got ${describeValue(given)}${Array.isArray(given) ? ' (empty)' : ''}`);
    }
    if (this.rows !== undefined) return this.gatherRows(this.rows, indices);
    const n = indices.length;
    const featureSize = this.featureShape.reduce((a, b) => a * b, 1);
    const first = this.example(indices[0], featureSize, undefined);
    const x = new Float32Array(n * featureSize);
    const vectorTargets = typeof first.y !== 'number';
    const targetSize = typeof first.y === 'number' ? 1 : first.y.length;
    const y = new Float32Array(n * targetSize);
    for (let i = 0; i < n; i++) {
      const example = i === 0 ? first : this.example(indices[i], featureSize, first.y);
      x.set(example.x, i * featureSize);
      if (typeof example.y === 'number') y[i] = example.y;
      else y.set(example.y, i * targetSize);
    }
    return {
      x: Tensor.fromValues(x, [n, ...this.featureShape], 'float32'),
      y: Tensor.fromValues(y, vectorTargets ? [n, targetSize] : [n], 'float32'),
      size: n,
    };
  }

  /**
   * Example `index` of a data set that is not an ArrayDataset, checked against the batch: features
   * of the loader's shape (a shorter row would leave zeros, a longer one shift every later row) and
   * a target of the first example's kind and length.
   */
  private example(index: number, featureSize: number, firstY: number | Float32Array | undefined): Example {
    checkIndex(index, this.examples());
    const example = this.dataset.get(index) as Partial<Example> | null | undefined;
    const at = `DataLoader: example ${index} of the data set`;
    if (isThenable(example)) {
      // an async get: its promise is dropped here, so a later rejection must not go unhandled
      example.then(undefined, () => undefined);
      throw new TypeError(
        `${at} is a Promise: get(i) returned a Promise (an async get, or a map with an async function); a Dataset's get must return the example itself, ` +
          '{ x: Float32Array, y: number | Float32Array }, synchronously: load the data first (e.g. await it into an ArrayDataset), then train on that',
      );
    }
    if (typeof example !== 'object' || example === null) throw new TypeError(`${at} is ${describeValue(example)}; get(i) must return { x: Float32Array, y: number | Float32Array }`);
    const { x, y } = example;
    if (!(x instanceof Float32Array)) throw new TypeError(`${at} has x ${describeValue(x)}; x must be a Float32Array of its features`);
    if (x.length !== featureSize) {
      throw new RangeError(`${at} has ${x.length} feature values, but examples of shape [${this.featureShape.join(', ')}] have ${featureSize}: every example must have the same shape`);
    }
    const kind = (v: unknown): string => (typeof v === 'number' ? 'a class index (a number)' : v instanceof Float32Array ? `a Float32Array of ${v.length} values` : describeValue(v));
    const ok = firstY === undefined ? typeof y === 'number' || y instanceof Float32Array : typeof y === typeof firstY && (typeof y === 'number' || (y as Float32Array).length === (firstY as Float32Array).length);
    if (!ok) {
      const expected = firstY === undefined ? 'a number (a class index) or a Float32Array' : `${kind(firstY)}, like the batch's first example`;
      throw new TypeError(`${at} has y ${kind(y)}; expected ${expected}`);
    }
    return example as Example;
  }

  private gatherRows({ root, maps, features }: RowSource, indices: ArrayLike<number>): Batch {
    const n = indices.length;
    const rows = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let index = indices[i];
      for (const map of maps) {
        checkIndex(index, map.length);
        index = map[index];
      }
      rows[i] = index;
    }
    const x = gather(features, Tensor.fromValues(rows, [n], 'float32', jsBackend));
    const { targets, targetSize } = root;
    const classIndices = targetSize === 1 && root.targetShape.length === 0;
    const y = new Float32Array(n * targetSize);
    for (let i = 0; i < n; i++) {
      if (classIndices) y[i] = targets[rows[i]];
      else y.set(targets.subarray(rows[i] * targetSize, (rows[i] + 1) * targetSize), i * targetSize);
    }
    return {
      x: this.featureShape.length === 1 ? x : reshape(x, [n, ...this.featureShape]),
      y: Tensor.fromValues(y, classIndices ? [n] : [n, targetSize], 'float32'),
      size: n,
    };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** An ArrayDataset under any number of Subsets, with the index maps from the outermost in. */
interface RowSource {
  readonly root: ArrayDataset;
  readonly maps: readonly (readonly number[])[];
  /** The root's features as one [length, featureSize] tensor over the same array (no copy). */
  readonly features: Tensor;
}

function rowSource(dataset: Dataset<Example>): RowSource | undefined {
  const maps: (readonly number[])[] = [];
  let current: Dataset<Example> = dataset;
  while (current instanceof Subset) {
    maps.push(current.indices);
    current = current.source as Dataset<Example>;
  }
  if (!(current instanceof ArrayDataset)) return undefined;
  // a 'js' tensor wraps the array as it is; backends read it in place or gather on 'js'
  const features = Tensor.fromValues(current.features, [current.length, current.featureSize], 'float32', jsBackend);
  return { root: current, maps, features };
}

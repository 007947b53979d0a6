import { Random, Tensor } from '@keel/tensor';
import { ArrayDataset, Subset, type Dataset, type Example } from './dataset.js';

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

/** Batches a data set into tensors, with seeded, reproducible shuffling. */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  private epochCount = 0;
  /** The shape of one example's features. */
  readonly featureShape: readonly number[];

  constructor(
    readonly dataset: Dataset<Example>,
    private readonly options: DataLoaderOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${String(options.batchSize)}`);
    }
    this.batchSize = options.batchSize;
    const base = rootArrayDataset(dataset);
    const shape = options.featureShape ?? base?.featureShape;
    if (shape === undefined) throw new TypeError('DataLoader: pass featureShape for a data set that is not an ArrayDataset');
    this.featureShape = shape;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.options.dropLast === true ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The example order of epoch `epoch`. */
  order(epoch: number): Uint32Array {
    const indices = new Uint32Array(this.dataset.length);
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
    const order = this.order(epoch);
    for (let b = 0; b < this.length; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      yield this.collate(indices);
    }
  }

  /** Copies the examples at `indices` into one batch of tensors. */
  collate(indices: ArrayLike<number>): Batch {
    const n = indices.length;
    const first = this.dataset.get(indices[0]);
    const featureSize = first.x.length;
    const x = new Float32Array(n * featureSize);
    const vectorTargets = typeof first.y !== 'number';
    const targetSize = typeof first.y === 'number' ? 1 : first.y.length;
    const y = new Float32Array(n * targetSize);
    for (let i = 0; i < n; i++) {
      const example = i === 0 ? first : this.dataset.get(indices[i]);
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
}

function rootArrayDataset(dataset: Dataset<Example>): ArrayDataset | undefined {
  let current: Dataset<Example> = dataset;
  while (current instanceof Subset) current = current.source as Dataset<Example>;
  return current instanceof ArrayDataset ? current : undefined;
}

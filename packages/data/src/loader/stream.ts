import { Tensor } from '@keel/tensor';
import type { Batch } from './loader.js';
import type { Example } from './dataset.js';

export interface StreamOptions {
  batchSize: number;
  /** The shape of one example's features. */
  featureShape: readonly number[];
  /** Drop a last batch smaller than batchSize. */
  dropLast?: boolean;
}

/**
 * Batches a stream of examples (a file read line by line, a generator, a network source) as it
 * arrives — the streaming form of a data set, for data that does not fit in memory or is not
 * random access. Combine with `prefetch` to overlap reading with training.
 */
export async function* streamBatches(source: AsyncIterable<Example> | Iterable<Example>, options: StreamOptions): AsyncGenerator<Batch> {
  const featureSize = options.featureShape.reduce((a, b) => a * b, 1);
  let xs: Example[] = [];
  const flush = (): Batch => {
    const n = xs.length;
    const first = xs[0].y;
    const width = typeof first === 'number' ? 1 : first.length;
    const x = new Float32Array(n * featureSize);
    const y = new Float32Array(n * width);
    xs.forEach((example, i) => {
      if (example.x.length !== featureSize) throw new RangeError(`streamBatches: an example has ${example.x.length} features, expected ${featureSize}`);
      x.set(example.x, i * featureSize);
      if (typeof example.y === 'number') y[i] = example.y;
      else y.set(example.y, i * width);
    });
    xs = [];
    return { x: Tensor.fromValues(x, [n, ...options.featureShape], 'float32'), y: Tensor.fromValues(y, typeof first === 'number' ? [n] : [n, width], 'float32'), size: n };
  };
  for await (const example of source) {
    xs.push(example);
    if (xs.length === options.batchSize) yield flush();
  }
  if (xs.length > 0 && options.dropLast !== true) yield flush();
}

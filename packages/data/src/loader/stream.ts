import { checkOptions, optionField } from '@keel/registry';
import { Tensor } from '@keel/tensor';
import { describeValue, isShape, iterableArgument } from '../arguments.js';
import type { Batch } from './loader.js';
import type { Example } from './dataset.js';

export interface StreamOptions {
  batchSize: number;
  /** The shape of one example's features. */
  featureShape: readonly number[];
  /** Drop a last batch smaller than batchSize. */
  dropLast?: boolean;
}

const STREAM_OPTIONS = {
  batchSize: optionField.integer(1, Number.MAX_SAFE_INTEGER, true),
  featureShape: { expected: 'an array of positive integers such as [784]', required: true, accepts: isShape },
  dropLast: optionField.boolean(),
};

/**
 * Batches a stream of examples (a file read line by line, a generator, a network source) as it
 * arrives — the streaming form of a data set, for data that does not fit in memory or is not
 * random access. Combine with `prefetch` to overlap reading with training.
 */

export async function* streamBatches(source: AsyncIterable<Example> | Iterable<Example>, options: StreamOptions): AsyncGenerator<Batch> {
  iterableArgument('streamBatches(source)', source);
  checkOptions('streamBatches', options, STREAM_OPTIONS);
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
      if (typeof example.y !== typeof first || (typeof example.y !== 'number' && example.y.length !== width)) {
        const kind = (y: number | Float32Array): string => (typeof y === 'number' ? 'a class index (a number)' : `${y.length} target values`);
        throw new TypeError(`streamBatches: example ${i} of a batch has ${kind(example.y)} as y, the batch's first example ${kind(first)}: every example needs the same kind of target`);
      }
      x.set(example.x, i * featureSize);
      if (typeof example.y === 'number') y[i] = example.y;
      else y.set(example.y, i * width);
    });
    xs = [];
    return { x: Tensor.fromValues(x, [n, ...options.featureShape], 'float32'), y: Tensor.fromValues(y, typeof first === 'number' ? [n] : [n, width], 'float32'), size: n };
  };
  for await (const example of source) {
    const e = example as Partial<Example> | null;
    if (typeof e !== 'object' || e === null || !(e.x instanceof Float32Array) || !(typeof e.y === 'number' || e.y instanceof Float32Array)) {
      throw new TypeError(`streamBatches: the source gave ${describeValue(example)}; each example must be { x: Float32Array, y: number | Float32Array }`);
    }
    xs.push(example);
    if (xs.length === options.batchSize) yield flush();
  }
  if (xs.length > 0 && options.dropLast !== true) yield flush();
}

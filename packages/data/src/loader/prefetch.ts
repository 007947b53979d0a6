import { describeValue, iterableArgument } from '../arguments.js';

/**
 * Reads ahead of the consumer: keeps up to `depth` items of an (async) source in flight, so
 * loading the next batch (reading a file, decoding) overlaps with computing on this one.
 * For in-memory data sets there is nothing to overlap; use the DataLoader directly.
 */
export async function* prefetch<T>(source: AsyncIterable<T> | Iterable<T>, depth = 2): AsyncGenerator<T> {
  iterableArgument('prefetch(source)', source);
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`prefetch: depth must be a positive integer, got ${typeof depth === 'number' ? depth : describeValue(depth)}`);
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]());
  const pending: Promise<IteratorResult<T>>[] = [];
  for (let i = 0; i < depth; i++) pending.push(iterator.next());
  for (;;) {
    const next = await pending.shift()!;
    if (next.done === true) return;
    pending.push(iterator.next());
    yield next.value;
  }
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: () => Promise.resolve(iterator.next()) };
}

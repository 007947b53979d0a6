// A data set of one's own that breaks the Dataset contract is named, not met with a raw error
// (attack pass 3, D20): an async get, a length that changes between reads.
import { describe, expect, it } from 'vitest';
import { DataLoader, map, type Dataset, type Example } from '../src/index.js';

const example = (i: number): Example => ({ x: Float32Array.of(i, 10 * i), y: i % 2 });

describe('DataLoader and a custom Dataset', () => {
  it('a get that returns a Promise says so, naming the example', () => {
    const data = { length: 4, get: (i: number) => Promise.resolve(example(i)) } as unknown as Dataset<Example>;
    const loader = new DataLoader(data, { batchSize: 2, featureShape: [2] });
    expect(() => [...loader.epoch(0)]).toThrow(
      "DataLoader: example 0 of the data set is a Promise: get(i) returned a Promise (an async get, or a map with an async function); a Dataset's get must return the example itself, " +
        '{ x: Float32Array, y: number | Float32Array }, synchronously: load the data first (e.g. await it into an ArrayDataset), then train on that',
    );
  });

  it('so does a map with an async function, and a rejected promise is not left unhandled', () => {
    const source: Dataset<Example> = { length: 2, get: example };
    const data = map(source, (async () => Promise.reject(new Error('never read'))) as unknown as (e: Example) => Example);
    expect(() => new DataLoader(data, { batchSize: 2, featureShape: [2] }).collate([0, 1])).toThrow(/^DataLoader: example 0 of the data set is a Promise/);
  });

  it('a length that changes between reads is an error naming the data set, not a RangeError from a typed array', () => {
    class Shrinking implements Dataset<Example> {
      private n = 4;
      get length(): number {
        return this.n--;
      }
      get(i: number): Example {
        return example(i);
      }
    }
    const loader = new DataLoader(new Shrinking(), { batchSize: 2, featureShape: [2] });
    expect(() => loader.length).toThrow(
      "DataLoader: the length of the data set (a Shrinking) was 3 when the loader was made and is now 2; a Dataset's length must not change while it is read (a length getter that counts?): " +
        "fix the data set's length, or make a new DataLoader after changing the data",
    );
    expect(() => loader.order(0)).toThrow(/^DataLoader: the length of the data set \(a Shrinking\) was 3 when the loader was made and is now 1;/);
  });

  it('a steady custom data set batches as before', () => {
    const loader = new DataLoader({ length: 3, get: example }, { batchSize: 2, featureShape: [2] });
    expect([...loader.epoch(0)].map((b) => Array.from(b.x.values))).toEqual([[0, 0, 1, 10], [2, 20]]);
  });
});

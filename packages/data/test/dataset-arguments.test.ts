// Data sets, views and loaders called with wrong arguments (issue #19): each is an error naming the
// function, the argument and what to pass — never a raw TypeError from inside, and never a count
// or seed quietly rounded, clamped or read as a number.
import { describe, expect, it } from 'vitest';
import {
  ArrayDataset,
  applyStandardization,
  concat,
  DataLoader,
  filter,
  flatten,
  imageDataset,
  map,
  normalize,
  oneHot,
  prefetch,
  skip,
  split,
  standardize,
  streamBatches,
  Subset,
  take,
  type Dataset,
  type Example,
} from '../src/index.js';
import { rejected, thrown } from './helpers/idx-writer.js';

/** 4 examples of 2 features, class i % 2. */
function toy(): ArrayDataset {
  return new ArrayDataset(Float32Array.from([0, 0, 1, 10, 2, 20, 3, 30]), [2], Uint8Array.from([0, 1, 0, 1]));
}

/** A data set that is not an ArrayDataset, with the examples `get` returns. */
function generic(examples: readonly unknown[]): Dataset<Example> {
  return { length: examples.length, get: (i) => examples[i] as Example };
}

type Case = readonly [string, () => unknown, string | RegExp];

function expectMessage(fn: () => unknown, expected: string | RegExp): void {
  const error = thrown(fn);
  if (typeof expected === 'string') expect(error.message).toBe(expected);
  else expect(error.message).toMatch(expected);
}

const DATASET = 'a data set (an ArrayDataset, or an object with length and get(index))';

describe('take and skip count whole examples', () => {
  const cases: Case[] = [
    ['take -1', () => take(toy(), -1), 'take(dataset, count) must be a whole number >= 0 (how many examples to keep), got the number -1'],
    ['take 2.5', () => take(toy(), 2.5), 'take(dataset, count) must be a whole number >= 0 (how many examples to keep), got the number 2.5'],
    ['take NaN', () => take(toy(), NaN), 'take(dataset, count) must be a whole number >= 0 (how many examples to keep), got the number NaN'],
    ['take Infinity', () => take(toy(), Infinity), 'take(dataset, count) must be a whole number >= 0 (how many examples to keep), got the number Infinity'],
    ["take '2'", () => take(toy(), '2' as never), 'take(dataset, count) must be a whole number >= 0 (how many examples to keep), got the string "2"'],
    ['take null data', () => take(null as never, 1), `take(dataset) must be ${DATASET}, got null`],
    ['skip -1', () => skip(toy(), -1), 'skip(dataset, count) must be a whole number >= 0 (how many examples to leave out), got the number -1'],
    ['skip 1.5', () => skip(toy(), 1.5), 'skip(dataset, count) must be a whole number >= 0 (how many examples to leave out), got the number 1.5'],
    ['skip an array', () => skip([1, 2] as never, 1), `skip(dataset) must be ${DATASET}, got an array`],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(fn, expected));

  it('still takes and skips whole counts, past the end too', () => {
    expect([take(toy(), 0).length, take(toy(), 3).length, take(toy(), 9).length, skip(toy(), 3).length, skip(toy(), 9).length]).toEqual([0, 3, 4, 1, 0]);
  });
});

describe('filter, map, concat and Subset', () => {
  const cases: Case[] = [
    ['filter without a function', () => filter(toy(), 1 as never), 'filter(dataset, keep) must be a function (example, index) => boolean, got the number 1'],
    ['map without a function', () => map(toy(), undefined as never), 'map(dataset, fn) must be a function (example, index) => example, got undefined'],
    ['map of a number', () => map(3 as never, (e) => e), `map(dataset) must be ${DATASET}, got the number 3`],
    ['concat with undefined', () => concat(toy(), undefined as never), `concat(datasets[1]) must be ${DATASET}, got undefined`],
    ['Subset out of range', () => new Subset(toy(), [0, 4]), "Subset(source, indices): indices[1] is the number 4, not an index of the source's 4 examples (0..3)"],
    ['Subset fraction', () => new Subset(toy(), [0.5]), "Subset(source, indices): indices[0] is the number 0.5, not an index of the source's 4 examples (0..3)"],
    ['Subset without indices', () => new Subset(toy(), 2 as never), 'Subset(source, indices) must be an array of example indices, got the number 2'],
    ['label out of range', () => toy().label(7), 'index 7 is outside the data set (0..3)'],
    ['targetShape not an array', () => new ArrayDataset(new Float32Array(2), [2], new Float32Array(1), 'x' as never), /^ArrayDataset\(features, featureShape, targets, targetShape\) must be an array of positive integers \(\[\] for class indices, \[10\] for one-hot rows\), got the string "x"$/],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(fn, expected));
});

describe('split', () => {
  const cases: Case[] = [
    ["fraction '0.5'", () => split(toy(), '0.5' as never), 'split: fraction must be between 0 and 1 (exclusive: the share of examples in the second part, e.g. 0.1), got the string "0.5"'],
    ['fraction NaN', () => split(toy(), NaN), 'split: fraction must be between 0 and 1 (exclusive: the share of examples in the second part, e.g. 0.1), got the number NaN'],
    ['seed -1', () => split(toy(), 0.5, { seed: -1 }), 'split: seed is -1; expected an integer from 0 to 4294967295'],
    ['seed 1.5', () => split(toy(), 0.5, { seed: 1.5 }), 'split: seed is 1.5; expected an integer from 0 to 4294967295'],
    ["shuffle 'no'", () => split(toy(), 0.5, { shuffle: 'no' as never }), "split: shuffle is 'no'; expected true or false"],
    ['unknown option', () => split(toy(), 0.5, { seeds: 1 } as never), /^split: has no option 'seeds'; did you mean 'seed'\?/],
    ['options null', () => split(toy(), 0.5, null as never), 'split: the options are null; expected an object of options'],
    ['data undefined', () => split(undefined as never, 0.5), `split(dataset) must be ${DATASET}, got undefined`],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(fn, expected));
});

describe('DataLoader', () => {
  const x2 = (y: unknown = 0): unknown => ({ x: Float32Array.of(1, 2), y });
  const cases: Case[] = [
    ['no options', () => new DataLoader(toy(), undefined as never), 'DataLoader: the options are undefined; expected an object of options'],
    ['no data set', () => new DataLoader(null as never, { batchSize: 2 }), `DataLoader(dataset) must be ${DATASET}, got null`],
    ["batchSize '2'", () => new DataLoader(toy(), { batchSize: '2' as never }), 'DataLoader: batchSize must be a positive integer, got the string "2"'],
    ['seed NaN', () => new DataLoader(toy(), { batchSize: 2, seed: NaN }), 'DataLoader: seed is NaN; expected an integer from 0 to 4294967295'],
    ['shuffle 1', () => new DataLoader(toy(), { batchSize: 2, shuffle: 1 as never }), 'DataLoader: shuffle is 1; expected true or false'],
    ['unknown option', () => new DataLoader(toy(), { batchSize: 2, drop_last: true } as never), /^DataLoader: has no option 'drop_last'; did you mean 'dropLast'\?/],
    ['featureShape [-1]', () => new DataLoader(toy(), { batchSize: 2, featureShape: [-1] }), 'DataLoader: featureShape is [-1]; expected an array of positive integers such as [784] or [28, 28, 1]'],
    ['order(-1)', () => new DataLoader(toy(), { batchSize: 2 }).order(-1), 'DataLoader.order(epoch) must be a whole number >= 0 (the epoch, from 0), got the number -1'],
    ['epoch(1.5)', () => [...new DataLoader(toy(), { batchSize: 2 }).epoch(1.5)], 'DataLoader.epoch(epoch) must be a whole number >= 0 (the epoch, from 0), got the number 1.5'],
    ['collate([])', () => new DataLoader(toy(), { batchSize: 2 }).collate([]), 'DataLoader.collate(indices) must be a non-empty array of example indices, got an array (empty)'],
    [
      'a generic set without featureShape',
      () => new DataLoader(generic([x2()]), { batchSize: 2 }),
      'DataLoader: the data set is not an ArrayDataset (or a take/skip/filter/split of one), so the shape of its examples is unknown: pass featureShape (e.g. { batchSize: 32, featureShape: [784] }), or build an ArrayDataset from its features and targets',
    ],
    // example by example: a short row would have left zeros, a long one a RangeError from inside
    ['a short example', () => [...new DataLoader(generic([x2(), { x: Float32Array.of(1), y: 0 }]), { batchSize: 2, featureShape: [2] })], 'DataLoader: example 1 of the data set has 1 feature values, but examples of shape [2] have 2: every example must have the same shape'],
    ['x not a Float32Array', () => [...new DataLoader(generic([{ x: [1, 2], y: 0 }]), { batchSize: 2, featureShape: [2] })], 'DataLoader: example 0 of the data set has x an array; x must be a Float32Array of its features'],
    ['a missing example', () => [...new DataLoader(generic([x2(), undefined]), { batchSize: 2, featureShape: [2] })], 'DataLoader: example 1 of the data set is undefined; get(i) must return { x: Float32Array, y: number | Float32Array }'],
    ['mixed targets', () => [...new DataLoader(generic([x2(0), x2(Float32Array.of(1, 0))]), { batchSize: 2, featureShape: [2] })], "DataLoader: example 1 of the data set has y a Float32Array of 2 values; expected a class index (a number), like the batch's first example"],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(fn, expected));

  it('a generic data set with featureShape still batches', () => {
    const [batch] = [...new DataLoader(generic([x2(1), x2(0)]), { batchSize: 2, featureShape: [2] })];
    expect([batch.x.toArray(), batch.y.toArray()]).toEqual([[[1, 2], [1, 2]], [1, 0]]);
  });
});

describe('streamBatches and prefetch', () => {
  const example = { x: Float32Array.of(1, 2), y: 0 };
  const cases: readonly (readonly [string, () => AsyncGenerator<unknown>, string | RegExp])[] = [
    ['no options', () => streamBatches([example], undefined as never), 'streamBatches: the options are undefined; expected an object of options'],
    ['batchSize 0', () => streamBatches([example], { batchSize: 0, featureShape: [2] }), 'streamBatches: batchSize is 0; expected an integer >= 1'],
    ['no featureShape', () => streamBatches([example], { batchSize: 2 } as never), /^streamBatches: featureShape is missing; expected an array of positive integers/],
    ['a number as source', () => streamBatches(5 as never, { batchSize: 2, featureShape: [2] }), 'streamBatches(source) must be an iterable or async iterable (an array, a generator, a stream), got the number 5'],
    ['a bad example', () => streamBatches([{ x: [1, 2], y: 0 }] as never, { batchSize: 2, featureShape: [2] }), 'streamBatches: the source gave an object; each example must be { x: Float32Array, y: number | Float32Array }'],
    ['mixed targets', () => streamBatches([example, { x: Float32Array.of(1, 2), y: Float32Array.of(1) }], { batchSize: 2, featureShape: [2] }), 'streamBatches: example 1 of a batch has 1 target values as y, the batch\'s first example a class index (a number): every example needs the same kind of target'],
    ['prefetch of null', () => prefetch(null as never), 'prefetch(source) must be an iterable or async iterable (an array, a generator, a stream), got null'],
    ["prefetch depth '2'", () => prefetch([1], '2' as never), 'prefetch: depth must be a positive integer, got the string "2"'],
  ];
  it.each(cases)('%s', async (_, make, expected) => {
    const error = await rejected((async () => {
      for await (const item of make()) void item;
    })());
    if (typeof expected === 'string') expect(error.message).toBe(expected);
    else expect(error.message).toMatch(expected);
  });
});

describe('imageDataset and the ArrayDataset transforms', () => {
  const split2 = { images: new Uint8Array(8), labels: new Uint8Array(2), count: 2, rows: 2, cols: 2 };
  const cases: Case[] = [
    ['imageDataset of undefined', () => imageDataset(undefined as never), 'imageDataset(split) must be one split of a classification set ({ images, labels, count, rows, cols }, e.g. (await mnist()).train), got undefined'],
    ['imageDataset of a set', () => imageDataset({ train: split2, classes: 10 } as never), /^imageDataset\(split\) must be one split of a classification set .*, got an object$/],
    ['imageDataset of mismatched sizes', () => imageDataset({ ...split2, count: 3 }), 'imageDataset(split): 8 pixels and 2 labels do not make 3 images of 2x2 (expected 12 pixels and 3 labels)'],
    ["imageDataset layout 'nhwc'", () => imageDataset(split2, { layout: 'nhwc' as never }), "imageDataset: layout is 'nhwc'; expected 'flat' or 'image'"],
    ['normalize of a view', () => normalize(take(toy(), 2) as never, 0, 255), /^normalize\(dataset\) must be an ArrayDataset, got a Subset; for a take\/skip\/split of one, transform the whole ArrayDataset first/],
    ['oneHot of null', () => oneHot(null as never, 2), /^oneHot\(dataset\) must be an ArrayDataset, got null/],
    ['flatten of an object', () => flatten({} as never), /^flatten\(dataset\) must be an ArrayDataset, got an object/],
    ['standardize of a view', () => standardize(toy(), take(toy(), 1) as never), /^standardize\(train, others\[0\]\) must be an ArrayDataset, got a Subset/],
    ['applyStandardization without std', () => applyStandardization(toy(), { mean: [0, 0] } as never), 'applyStandardization stats.std must be an array or typed array of numbers, got undefined'],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(fn, expected));
});

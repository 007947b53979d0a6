import { describe, expect, it } from 'vitest';
import { ArrayDataset, concat, DataLoader, filter, imageDataset, map, prefetch, skip, split, take, type Dataset, type Example } from '../src/index.js';

/** 10 examples of 2 features: example i is [i, 10 i]; class i % 3. */
function toy(n = 10): ArrayDataset {
  const features = new Float32Array(n * 2);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    features[2 * i] = i;
    features[2 * i + 1] = 10 * i;
    labels[i] = i % 3;
  }
  return new ArrayDataset(features, [2], labels);
}

describe('ArrayDataset', () => {
  it('reads examples by index and checks its arrays', () => {
    const data = toy();
    expect(data.length).toBe(10);
    expect(Array.from(data.get(3).x)).toEqual([3, 30]);
    expect(data.get(4).y).toBe(1);
    expect(() => data.get(10)).toThrow('index 10 is outside the data set (0..9)');
    expect(() => new ArrayDataset(new Float32Array(5), [2], new Uint8Array(2))).toThrow('5 feature values do not divide into examples of shape [2]');
    expect(() => new ArrayDataset(new Float32Array(4), [2], new Uint8Array(3))).toThrow('2 examples but 3 target values');
  });
});

describe('DataLoader', () => {
  it('batches in order without shuffling, keeping a short last batch unless dropLast', () => {
    const batches = [...new DataLoader(toy(), { batchSize: 4 })];
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches[0].x.shape).toEqual([4, 2]);
    expect(batches[0].y.toArray()).toEqual([0, 1, 2, 0]);
    expect(batches[2].x.toArray()).toEqual([[8, 80], [9, 90]]);
    expect([...new DataLoader(toy(), { batchSize: 4, dropLast: true })].map((b) => b.size)).toEqual([4, 4]);
  });

  it('shuffles reproducibly: the same seed and epoch give the same order, epochs differ', () => {
    const order = (seed: number, epoch: number) => Array.from(new DataLoader(toy(100), { batchSize: 10, shuffle: true, seed }).order(epoch));
    expect(order(1, 0)).toEqual(order(1, 0));
    expect(order(1, 0)).not.toEqual(order(1, 1));
    expect(order(1, 0)).not.toEqual(order(2, 0));
    expect([...order(1, 0)].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // iterating the loader twice walks epochs 0 and 1
    const loader = new DataLoader(toy(100), { batchSize: 100, shuffle: true, seed: 1 });
    const first = [...loader][0].x.toArray() as number[][];
    const second = [...loader][0].x.toArray() as number[][];
    expect(first.map((row) => row[0])).toEqual(order(1, 0));
    expect(second.map((row) => row[0])).toEqual(order(1, 1));
  });

  it('collates vector targets into [n, k]', () => {
    const data = new ArrayDataset(new Float32Array([1, 2, 3, 4]), [1], new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]), [2]);
    const [batch] = [...new DataLoader(data, { batchSize: 4 })];
    expect(batch.y.shape).toEqual([4, 2]);
    expect(batch.y.toArray()).toEqual([[1, 0], [0, 1], [1, 0], [0, 1]]);
  });

  it('gathers from an ArrayDataset or subsets of one exactly what the example-by-example path collates', () => {
    const data = new ArrayDataset(Float32Array.from({ length: 40 }, (_, i) => i / 4), [2, 2], Float32Array.from({ length: 20 }, (_, i) => i % 7), [2]);
    // map() hides the ArrayDataset, so its batches come one example at a time
    const oneByOne = (d: Dataset<Example>): Dataset<Example> => map(d, (e) => e);
    const views = [data, skip(data, 3), take(skip(data, 2), 6), split(data, 0.5, { seed: 4 })[1]];
    for (const view of views) {
      const gathered = [...new DataLoader(view, { batchSize: 3, shuffle: true, seed: 5 })];
      const collated = [...new DataLoader(oneByOne(view), { batchSize: 3, shuffle: true, seed: 5, featureShape: [2, 2] })];
      expect(gathered.map((b) => b.size)).toEqual(collated.map((b) => b.size));
      gathered.forEach((b, i) => {
        expect(b.x.shape).toEqual([b.size, 2, 2]);
        expect(b.x.toArray()).toEqual(collated[i].x.toArray());
        expect(b.y.toArray()).toEqual(collated[i].y.toArray());
      });
    }
    // class-index targets from a subset
    const labels = [...new DataLoader(skip(toy(), 7), { batchSize: 3 })][0];
    expect(labels.y.toArray()).toEqual([1, 2, 0]);
    expect(labels.x.toArray()).toEqual([[7, 70], [8, 80], [9, 90]]);
  });

  it('rejects a bad batch size', () => {
    expect(() => new DataLoader(toy(), { batchSize: 0 })).toThrow('batchSize must be a positive integer, got 0');
  });
});

describe('data set views', () => {
  it('take, skip, filter, map and concat', () => {
    const data = toy();
    expect(take(data, 3).length).toBe(3);
    expect(Array.from(skip(data, 8).get(0).x)).toEqual([8, 80]);
    const evens = filter(data, (e) => (e.x[0] % 2) === 0);
    expect(evens.length).toBe(5);
    const doubled = map(data, (e) => ({ x: e.x.map((v) => v * 2), y: e.y }));
    expect(Array.from(doubled.get(2).x)).toEqual([4, 40]);
    const both = concat(take(data, 2), skip(data, 9));
    expect(both.length).toBe(3);
    expect(Array.from(both.get(2).x)).toEqual([9, 90]);
  });

  it('split holds out the fraction, and stratify keeps class shares', () => {
    const data = toy(300);
    const [train, validation] = split(data, 0.2, { seed: 3 });
    expect(train.length).toBe(240);
    expect(validation.length).toBe(60);
    const seen = new Set([...train.indices, ...validation.indices]);
    expect(seen.size).toBe(300);
    const [, stratified] = split(data, 0.2, { seed: 3, stratify: true });
    const counts = [0, 0, 0];
    for (const i of stratified.indices) counts[data.label(i)]++;
    expect(counts).toEqual([20, 20, 20]);
    expect(() => split(data, 1.5)).toThrow('fraction must be between 0 and 1');
  });
});

describe('imageDataset', () => {
  it('scales pixels to 0..1 and lays them out flat or as NHWC images', () => {
    const split = { images: new Uint8Array([0, 255, 51, 102, 255, 0, 0, 0]), labels: new Uint8Array([3, 7]), count: 2, rows: 2, cols: 2 };
    const flat = imageDataset(split);
    expect(flat.featureShape).toEqual([4]);
    expect(Array.from(flat.get(0).x)).toEqual([0, 1, 0.2, 0.4].map((v) => Math.fround(v)));
    expect(imageDataset(split, { layout: 'image' }).featureShape).toEqual([2, 2, 1]);
    expect(Array.from(imageDataset(split, { normalize: false }).get(1).x)).toEqual([255, 0, 0, 0]);
  });
});

describe('prefetch', () => {
  it('yields every item in order while keeping reads in flight', async () => {
    let started = 0;
    async function* slow() {
      for (let i = 0; i < 5; i++) {
        started++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield i;
      }
    }
    const seen: number[] = [];
    const startedWhenFirstArrived: number[] = [];
    for await (const item of prefetch(slow(), 3)) {
      seen.push(item);
      startedWhenFirstArrived.push(started);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(startedWhenFirstArrived[0]).toBeGreaterThanOrEqual(2);
  });
});

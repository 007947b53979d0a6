import { describe, expect, it } from 'vitest';
import { applyStandardization, ArrayDataset, flatten, normalize, oneHot, prefetch, standardize, streamBatches, type Example } from '../src/index.js';

const train = new ArrayDataset(new Float32Array([0, 100, 2, 300, 4, 200]), [2], new Uint8Array([0, 1, 2]));
const test = new ArrayDataset(new Float32Array([2, 200]), [2], new Uint8Array([1]));

describe('dataset transforms', () => {
  it('standardize fits on the training split only and applies the same statistics elsewhere', () => {
    const { stats, datasets } = standardize(train, test);
    // feature 0: mean 2, std √(8/3); feature 1: mean 200, std √(20000/3)
    expect(stats.mean).toEqual([2, 200]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 5);
    expect(stats.std[1]).toBeCloseTo(Math.sqrt(20000 / 3), 2);
    expect(Array.from(datasets[1].get(0).x)).toEqual([0, 0]);
    const restored = applyStandardization(test, JSON.parse(JSON.stringify(stats)) as typeof stats);
    expect(Array.from(restored.features)).toEqual(Array.from(datasets[1].features));
    expect(() => applyStandardization(new ArrayDataset(new Float32Array(3), [3], new Uint8Array(1)), stats)).toThrow('standardization has 2 features, the data set 3');
  });

  it('normalize, oneHot and flatten', () => {
    expect(Array.from(normalize(train, 0, 300).get(1).x).map((v) => Math.round(v * 1000) / 1000)).toEqual([0.007, 1]);
    const hot = oneHot(train, 3);
    expect(hot.targetShape).toEqual([3]);
    expect(Array.from(hot.get(2).y as Float32Array)).toEqual([0, 0, 1]);
    const images = new ArrayDataset(new Float32Array(8), [2, 2, 1], new Uint8Array(2));
    expect(flatten(images).featureShape).toEqual([4]);
  });
});

describe('streamBatches', () => {
  it('batches a stream as it arrives, with prefetch', async () => {
    async function* examples(): AsyncGenerator<Example> {
      for (let i = 0; i < 5; i++) {
        await Promise.resolve();
        yield { x: Float32Array.of(i, -i), y: i % 2 };
      }
    }
    const sizes: number[] = [];
    const firstColumn: number[] = [];
    for await (const batch of prefetch(streamBatches(examples(), { batchSize: 2, featureShape: [2] }))) {
      sizes.push(batch.size);
      firstColumn.push(...(batch.x.toArray() as number[][]).map((row) => row[0]));
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(firstColumn).toEqual([0, 1, 2, 3, 4]);
  });
});

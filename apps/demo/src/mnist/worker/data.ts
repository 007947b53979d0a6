// MNIST in the worker (loaded by src/shared/mnist.ts), turned into the data sets a run needs.
// The training images are split 55,000 / 5,000 into training and validation; the 10,000 test
// images stay for the end.
import { ArrayDataset, oneHotLabels } from '@keel/data';
import { scalePixels, type Mnist } from '../../shared/mnist.js';

export const TRAIN_COUNT = 55_000;
export const VALIDATION_COUNT = 5_000;
/** Examples evaluated every few steps for the live charts (a fixed sample of each set). */
export const SAMPLE_COUNT = 1_000;
export const VALIDATION_SAMPLE = 2_000;

export interface RunData {
  readonly train: ArrayDataset;
  /** The first SAMPLE_COUNT training examples: the live "training accuracy". */
  readonly trainSample: ArrayDataset;
  readonly validation: ArrayDataset;
  readonly validationSample: ArrayDataset;
  readonly test: ArrayDataset;
}

let cached: { normalize: boolean; features: Float32Array; testFeatures: Float32Array } | undefined;

/** Pixels as floats (scaled to 0..1, or raw 0..255), built once per scaling: 188 MB for the training split. */
function features(mnist: Mnist, normalize: boolean): { features: Float32Array; testFeatures: Float32Array } {
  if (cached?.normalize !== normalize) {
    cached = undefined; // let the other copy be collected before allocating this one
    const scale = normalize ? 1 / 255 : 1;
    cached = { normalize, features: scalePixels(mnist.train.images, scale), testFeatures: scalePixels(mnist.test.images, scale) };
  }
  return cached;
}

/** The run's data sets: views of one feature array (no copies), targets as class indices or one-hot rows. */
export function runData(mnist: Mnist, options: { normalize: boolean; oneHot: boolean }): RunData {
  const { features: all, testFeatures } = features(mnist, options.normalize);
  const make = (x: Float32Array, labels: Uint8Array, from: number, count: number): ArrayDataset => {
    const view = x.subarray(from * 784, (from + count) * 784);
    const y = labels.subarray(from, from + count);
    return options.oneHot ? new ArrayDataset(view, [784], oneHotLabels(y, 10), [10]) : new ArrayDataset(view, [784], y, []);
  };
  const { labels } = mnist.train;
  return {
    train: make(all, labels, 0, TRAIN_COUNT),
    trainSample: make(all, labels, 0, SAMPLE_COUNT),
    validation: make(all, labels, TRAIN_COUNT, VALIDATION_COUNT),
    validationSample: make(all, labels, TRAIN_COUNT, VALIDATION_SAMPLE),
    test: make(testFeatures, mnist.test.labels, 0, mnist.test.count),
  };
}

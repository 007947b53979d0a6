// The MNIST arrays every bench engine trains on: pixels scaled to [0, 1], labels as class indices.
import { loadImages } from '../data.js';

export interface MnistArrays {
  readonly train: { readonly x: Float32Array; readonly labels: Uint8Array; readonly count: number };
  readonly test: { readonly x: Float32Array; readonly labels: Uint8Array; readonly count: number };
}

export async function mnistArrays(): Promise<MnistArrays> {
  const set = await loadImages(undefined, ['train', 'test']);
  const scaled = (images: Uint8Array): Float32Array => {
    // A loop, not Float32Array.from(images, fn), which can gather 47M boxed values first.
    const x = new Float32Array(images.length);
    for (let i = 0; i < x.length; i++) x[i] = images[i] / 255;
    return x;
  };
  return {
    train: { x: scaled(set.train.images), labels: set.train.labels, count: set.train.count },
    test: { x: scaled(set.test.images), labels: set.test.labels, count: set.test.count },
  };
}

/** The fraction of `predicted` class indices equal to `labels`. */
export function accuracyOf(predicted: ArrayLike<number>, labels: Uint8Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}

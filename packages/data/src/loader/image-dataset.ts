import type { ClassificationSplit } from '../idx/classification.js';
import { ArrayDataset } from './dataset.js';

export interface ImageDatasetOptions {
  /** 'flat' gives [rows·cols] per example (for MLPs), 'image' gives [rows, cols, 1] (NHWC, for CNNs). */
  layout?: 'flat' | 'image';
  /**
   * Map pixels 0..255 to 0..1 (the default). Raw 0–255 inputs saturate activations and make the
   * first updates huge; turn it off only to reproduce that on purpose.
   */
  normalize?: boolean;
}

/** An ArrayDataset of float pixels and class-index targets from an IDX classification split. */
export function imageDataset(split: ClassificationSplit, options: ImageDatasetOptions = {}): ArrayDataset {
  const scale = options.normalize === false ? 1 : 1 / 255;
  const features = new Float32Array(split.images.length);
  for (let i = 0; i < features.length; i++) features[i] = split.images[i] * scale;
  const shape = options.layout === 'image' ? [split.rows, split.cols, 1] : [split.rows * split.cols];
  return new ArrayDataset(features, shape, split.labels, []);
}

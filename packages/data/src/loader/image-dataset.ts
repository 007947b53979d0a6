import { checkOptions, optionField } from '@keel/registry';
import { describeValue } from '../arguments.js';
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
  checkSplit(split);
  checkOptions('imageDataset', options, { layout: optionField.choice(['flat', 'image']), normalize: optionField.boolean() });
  const scale = options.normalize === false ? 1 : 1 / 255;
  const features = new Float32Array(split.images.length);
  for (let i = 0; i < features.length; i++) features[i] = split.images[i] * scale;
  const shape = options.layout === 'image' ? [split.rows, split.cols, 1] : [split.rows * split.cols];
  return new ArrayDataset(features, shape, split.labels, []);
}

/** A split as idxClassification / mnist() return it: uint8 images of count × rows × cols pixels and one label each. */
function checkSplit(split: unknown): asserts split is ClassificationSplit {
  const s = split as Partial<ClassificationSplit> | null;
  const whole = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
  if (typeof s !== 'object' || s === null || !(s.images instanceof Uint8Array) || !(s.labels instanceof Uint8Array) || !whole(s.count) || !whole(s.rows) || !whole(s.cols)) {
    throw new TypeError(
      `imageDataset(split) must be one split of a classification set ({ images, labels, count, rows, cols }, e.g. (await mnist()).train), got ${describeValue(split)}`,
    );
  }
  if (s.images.length !== s.count! * s.rows! * s.cols! || s.labels.length !== s.count) {
    throw new RangeError(
      `imageDataset(split): ${s.images.length} pixels and ${s.labels.length} labels do not make ${s.count} images of ${s.rows}x${s.cols} (expected ${s.count! * s.rows! * s.cols!} pixels and ${s.count} labels)`,
    );
  }
}

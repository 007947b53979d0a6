import { applyStandardize, fitStandardize, type Standardization } from '../transforms/standardize.js';
import { normalizeRange } from '../transforms/normalize-range.js';
import { oneHotLabels } from '../transforms/one-hot.js';
import { ArrayDataset } from './dataset.js';

/**
 * Fits per-feature mean/std on `train` only and applies them to it and to every other split, so
 * validation and test data never leak into the statistics. Save `stats` with the model (as its
 * preprocessing) and apply them at inference with `applyStandardization`.
 */
export function standardize(train: ArrayDataset, ...others: ArrayDataset[]): { stats: StandardizationJson; datasets: ArrayDataset[] } {
  const stats = fitStandardize(train.features, train.featureSize);
  return { stats: toJson(stats), datasets: [train, ...others].map((d) => applyStandardization(d, stats)) };
}

/** Statistics as plain JSON (what a saved model's preprocessing holds). */
export interface StandardizationJson {
  readonly kind: 'standardize';
  readonly mean: number[];
  readonly std: number[];
}

function toJson(stats: Standardization): StandardizationJson {
  return { kind: 'standardize', mean: Array.from(stats.mean), std: Array.from(stats.std) };
}

/** Applies saved statistics to a data set (features only). */
export function applyStandardization(dataset: ArrayDataset, stats: Standardization | StandardizationJson): ArrayDataset {
  const typed: Standardization = { mean: Float32Array.from(stats.mean), std: Float32Array.from(stats.std) };
  if (typed.mean.length !== dataset.featureSize) {
    throw new RangeError(`standardization has ${typed.mean.length} features, the data set ${dataset.featureSize}`);
  }
  return new ArrayDataset(applyStandardize(dataset.features, typed), dataset.featureShape, dataset.targets, dataset.targetShape);
}

/** Maps features from [min, max] to [0, 1] (raw 0–255 pixels: `normalize(d, 0, 255)`). */
export function normalize(dataset: ArrayDataset, min: number, max: number): ArrayDataset {
  return new ArrayDataset(normalizeRange(dataset.features, min, max), dataset.featureShape, dataset.targets, dataset.targetShape);
}

/** Replaces class-index targets by one-hot rows of length `classes`. */
export function oneHot(dataset: ArrayDataset, classes: number): ArrayDataset {
  if (dataset.targetShape.length !== 0) throw new TypeError('oneHot: the data set already has vector targets');
  return new ArrayDataset(dataset.features, dataset.featureShape, oneHotLabels(dataset.targets, classes), [classes]);
}

/** Views each example as a flat vector (images [h, w, c] to [h·w·c], for an MLP). */
export function flatten(dataset: ArrayDataset): ArrayDataset {
  return new ArrayDataset(dataset.features, [dataset.featureSize], dataset.targets, dataset.targetShape);
}

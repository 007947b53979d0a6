import { applyStandardize, fitStandardize, type Standardization } from '../transforms/standardize.js';
import { normalizeRange } from '../transforms/normalize-range.js';
import { oneHotLabels } from '../transforms/one-hot.js';
import { describeValue, numbersArgument } from '../arguments.js';
import { ArrayDataset } from './dataset.js';

/** The transforms rewrite an ArrayDataset's flat arrays: another data set has none to rewrite. */
function arrayDatasetArgument(where: string, value: unknown): ArrayDataset {
  if (value instanceof ArrayDataset) return value;
  throw new TypeError(`${where} must be an ArrayDataset, got ${describeValue(value)}; for a take/skip/split of one, transform the whole ArrayDataset first and take the views after`);
}

/**
 * Fits per-feature mean/std on `train` only and applies them to it and to every other split, so
 * validation and test data never leak into the statistics. Save `stats` with the model (as its
 * preprocessing) and apply them at inference with `applyStandardization`.
 */
export function standardize(train: ArrayDataset, ...others: ArrayDataset[]): { stats: StandardizationJson; datasets: ArrayDataset[] } {
  arrayDatasetArgument('standardize(train)', train);
  others.forEach((d, i) => arrayDatasetArgument(`standardize(train, others[${i}])`, d));
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
  arrayDatasetArgument('applyStandardization(dataset)', dataset);
  if (typeof stats !== 'object' || stats === null) {
    throw new TypeError(`applyStandardization(dataset, stats) must be { mean, std } (the stats standardize returned), got ${describeValue(stats)}`);
  }
  numbersArgument('applyStandardization stats.mean', stats.mean);
  numbersArgument('applyStandardization stats.std', stats.std);
  const typed: Standardization = { mean: Float32Array.from(stats.mean), std: Float32Array.from(stats.std) };
  if (typed.mean.length !== dataset.featureSize) {
    throw new RangeError(`standardization has ${typed.mean.length} features, the data set ${dataset.featureSize}`);
  }
  return new ArrayDataset(applyStandardize(dataset.features, typed), dataset.featureShape, dataset.targets, dataset.targetShape);
}

/** Maps features from [min, max] to [0, 1] (raw 0–255 pixels: `normalize(d, 0, 255)`). */
export function normalize(dataset: ArrayDataset, min: number, max: number): ArrayDataset {
  arrayDatasetArgument('normalize(dataset)', dataset);
  return new ArrayDataset(normalizeRange(dataset.features, min, max), dataset.featureShape, dataset.targets, dataset.targetShape);
}

/** Replaces class-index targets by one-hot rows of length `classes`. */
export function oneHot(dataset: ArrayDataset, classes: number): ArrayDataset {
  arrayDatasetArgument('oneHot(dataset)', dataset);
  if (dataset.targetShape.length !== 0) throw new TypeError('oneHot: the data set already has vector targets');
  return new ArrayDataset(dataset.features, dataset.featureShape, oneHotLabels(dataset.targets, classes), [classes]);
}

/** Views each example as a flat vector (images [h, w, c] to [h·w·c], for an MLP). */
export function flatten(dataset: ArrayDataset): ArrayDataset {
  arrayDatasetArgument('flatten(dataset)', dataset);
  return new ArrayDataset(dataset.features, [dataset.featureSize], dataset.targets, dataset.targetShape);
}

import { describeValue, numbersArgument } from '../arguments.js';

/** Per-feature statistics of a row-major [rows, features] matrix. */
export interface Standardization {
  readonly mean: Float32Array;
  /** Population standard deviation; a constant feature gets 1, so it maps to 0 rather than NaN. */
  readonly std: Float32Array;
}

/**
 * Computes each feature's mean and standard deviation, to be applied with `applyStandardize`.
 * Fit on the training split only and apply the same numbers to the test split.
 */
export function fitStandardize(data: ArrayLike<number>, features: number): Standardization {
  numbersArgument('fitStandardize(data)', data);
  const rows = rowsOf(data, features);
  const mean = new Float64Array(features);
  const squares = new Float64Array(features);
  for (let i = 0; i < rows; i++) for (let j = 0; j < features; j++) mean[j] += data[i * features + j];
  for (let j = 0; j < features; j++) mean[j] /= rows;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++) squares[j] += (data[i * features + j] - mean[j]) ** 2;
  }
  // Two passes (mean first) stay accurate where sum-of-squares minus squared-sum cancels badly.
  const std = squares.map((s) => Math.sqrt(s / rows) || 1);
  return { mean: Float32Array.from(mean), std: Float32Array.from(std) };
}

/** (x - mean) / std per feature, into a new Float32Array. */
export function applyStandardize(data: ArrayLike<number>, stats: Standardization): Float32Array {
  numbersArgument('applyStandardize(data)', data);
  if (typeof stats !== 'object' || stats === null) throw new TypeError(`applyStandardize(data, stats) must be { mean, std } from fitStandardize, got ${describeValue(stats)}`);
  numbersArgument('applyStandardize stats.mean', stats.mean);
  numbersArgument('applyStandardize stats.std', stats.std);
  const features = stats.mean.length;
  if (stats.std.length !== features) {
    throw new RangeError(`standardization has ${features} means but ${stats.std.length} standard deviations`);
  }
  rowsOf(data, features);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const j = i % features;
    out[i] = (data[i] - stats.mean[j]) / stats.std[j];
  }
  return out;
}

function rowsOf(data: ArrayLike<number>, features: number): number {
  if (!Number.isInteger(features) || features < 1) throw new RangeError(`features must be a positive integer, got ${features}`);
  if (data.length === 0 || data.length % features !== 0) {
    throw new RangeError(`data has ${data.length} values, which is not a whole, non-zero number of rows of ${features} features`);
  }
  return data.length / features;
}

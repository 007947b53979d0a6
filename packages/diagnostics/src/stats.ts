// Plain-number statistics over typed arrays: the doctor reads tensors' values directly (one pass,
// float64 accumulation) instead of building tensor ops, so monitoring adds no graph and no kernels.
import type { Tensor } from '@keel/tensor';

/** What is known about the values of one tensor, JSON-safe once passed through `jsonNumber`. */
export interface ValueStats {
  readonly count: number;
  /** Over the finite values only (NaN when there are none). */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  /** √(mean of squares) over the finite values. */
  readonly rms: number;
  readonly absMax: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

export function valueStats(values: ArrayLike<number>): ValueStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let squares = 0;
  let finite = 0;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
    else if (v !== v) nan++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      squares += v * v;
      finite++;
    }
  }
  const mean = finite > 0 ? sum / finite : NaN;
  const meanSquare = finite > 0 ? squares / finite : NaN;
  return {
    count: values.length,
    min: finite > 0 ? min : NaN,
    max: finite > 0 ? max : NaN,
    mean,
    std: finite > 0 ? Math.sqrt(Math.max(0, meanSquare - mean * mean)) : NaN,
    rms: Math.sqrt(meanSquare),
    absMax: finite > 0 ? Math.max(Math.abs(min), Math.abs(max)) : NaN,
    nan,
    posInf,
    negInf,
  };
}

export function tensorStats(t: Tensor): ValueStats {
  return valueStats(t.values);
}

export function nonFiniteCount(s: ValueStats): number {
  return s.nan + s.posInf + s.negInf;
}

/** Index of the first NaN or ±Infinity, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return i; // NaN - NaN and Inf - Inf are NaN
  }
  return -1;
}

/** √Σv² (float64 accumulation); NaN or Infinity when a value is. */
export function l2(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

/** ‖a − b‖ for arrays of one length. */
export function l2Diff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** True when every value is a whole number (raw pixel or count data). */
export function allWhole(values: ArrayLike<number>, limit = 1_000_000): boolean {
  const n = Math.min(values.length, limit);
  for (let i = 0; i < n; i++) if (!Number.isInteger(values[i])) return false;
  return n > 0;
}

/** Per-column mean and std of a row-major [rows, cols] matrix. */
export function columnStats(values: ArrayLike<number>, cols: number): { mean: Float64Array; std: Float64Array } {
  const rows = cols > 0 ? Math.floor(values.length / cols) : 0;
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = values[o + c];
      mean[c] += v;
      sq[c] += v * v;
    }
  }
  const std = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    mean[c] /= Math.max(rows, 1);
    std[c] = Math.sqrt(Math.max(0, sq[c] / Math.max(rows, 1) - mean[c] * mean[c]));
  }
  return { mean, std };
}

// Scans over a tensor's values, for input checks. They read values on the host; checks run once
// per call on data the loss reads anyway, so the extra pass is cheap next to the model.
import type { Tensor } from '@keel/tensor';

/** The first element failing `test`, with its flat position. */
export function findValue(t: Tensor, test: (value: number) => boolean): { value: number; index: number } | undefined {
  const values = t.borrowValues();
  for (let i = 0; i < values.length; i++) if (test(values[i])) return { value: values[i], index: i };
  return undefined;
}

export function valueRange(t: Tensor): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of t.borrowValues()) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Whether every row (along the last axis) satisfies `test`; false for tensors of rank 0. */
export function everyRow(t: Tensor, test: (row: ArrayLike<number>) => boolean): boolean {
  if (t.rank === 0) return false;
  const width = t.shape[t.rank - 1];
  const values = t.borrowValues();
  if (width === 0) return false;
  for (let start = 0; start < values.length; start += width) {
    if (!test(values.subarray(start, start + width))) return false;
  }
  return true;
}

const SUM_TOLERANCE = 1e-3;

/** A probability distribution: entries in [0, 1] that sum to 1 (within float32 rounding). */
export function isDistribution(row: ArrayLike<number>): boolean {
  let total = 0;
  for (let i = 0; i < row.length; i++) {
    if (!(row[i] >= 0 && row[i] <= 1)) return false;
    total += row[i];
  }
  return Math.abs(total - 1) <= SUM_TOLERANCE;
}

/** One 1 and zeros elsewhere. */
export function isOneHot(row: ArrayLike<number>): boolean {
  let ones = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === 1) ones++;
    else if (row[i] !== 0) return false;
  }
  return ones === 1;
}

/** Whether every value is a whole number in 0..classes-1. */
export function allClassIndices(t: Tensor, classes: number): boolean {
  return findValue(t, (v) => !(Number.isInteger(v) && v >= 0 && v < classes)) === undefined;
}

/** A short, readable number for messages. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Number(value.toPrecision(4)));
}

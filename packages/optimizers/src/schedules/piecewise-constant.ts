import type { Schedule } from '../types.js';

export interface PiecewiseConstantOptions {
  /** Increasing steps where the rate changes. */
  readonly boundaries: readonly number[];
  /** One more value than boundaries: values[i] applies from boundaries[i − 1] (inclusive) to boundaries[i]. */
  readonly values: readonly number[];
}

/** values[0] before boundaries[0], values[1] from boundaries[0] on, and so on. */
export function piecewiseConstantSchedule(options: PiecewiseConstantOptions): Schedule {
  const { boundaries, values } = options;
  if (values.length !== boundaries.length + 1) {
    throw new RangeError(`piecewiseConstantSchedule: ${boundaries.length} boundaries need ${boundaries.length + 1} values, got ${values.length}`);
  }
  if (boundaries.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= boundaries[i - 1]))) {
    throw new RangeError(`piecewiseConstantSchedule: boundaries must increase, got ${JSON.stringify(boundaries)}`);
  }
  if (values.some((v) => !(v >= 0 && Number.isFinite(v)))) {
    throw new RangeError(`piecewiseConstantSchedule: values must be numbers >= 0, got ${JSON.stringify(values)}`);
  }
  const bounds = [...boundaries];
  const rates = [...values];
  return (step) => {
    let i = 0;
    while (i < bounds.length && step >= bounds[i]) i++;
    return rates[i];
  };
}

import type { LossConfig } from './spec.js';
import type { LossOptions, Reduction } from './reduction.js';

/** Reads a number option from a config object, with a default; anything else is a clear error. */
export function numberOption(loss: string, config: LossConfig, key: string, fallback: number): number {
  const value = config[key] ?? fallback;
  if (typeof value !== 'number') throw new TypeError(`${loss}: option '${key}' must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** The `reduction` of a config object, checked. */
export function lossOptions(loss: string, config: LossConfig): LossOptions {
  const reduction = config.reduction;
  if (reduction === undefined) return {};
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new TypeError(`${loss}: unknown reduction ${JSON.stringify(reduction)}; use 'mean', 'sum' or 'none'`);
  }
  return { reduction: reduction satisfies Reduction };
}

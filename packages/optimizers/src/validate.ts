import type { Schedule } from './types.js';

/** Checks an option given in code or read from a config object, naming its owner in the error. */
function check(owner: string, name: string, value: unknown, ok: (v: number) => boolean, requirement: string): number {
  if (typeof value !== 'number' || !ok(value)) {
    throw new RangeError(`${owner}: ${name} must be ${requirement}, got ${typeof value === 'number' ? value : JSON.stringify(value)}`);
  }
  return value;
}

export function positive(owner: string, name: string, value: unknown): number {
  return check(owner, name, value, (v) => v > 0 && Number.isFinite(v), 'a positive number');
}

export function nonNegative(owner: string, name: string, value: unknown): number {
  return check(owner, name, value, (v) => v >= 0 && Number.isFinite(v), 'a number >= 0');
}

/** A decay rate or momentum: in [0, 1). */
export function rate(owner: string, name: string, value: unknown): number {
  return check(owner, name, value, (v) => v >= 0 && v < 1, 'in [0, 1)');
}

export function wholeNumber(owner: string, name: string, value: unknown, min = 0): number {
  return check(owner, name, value, (v) => Number.isInteger(v) && v >= min, `a whole number >= ${min}`);
}

export function flag(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${owner}: ${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** A learning rate: a positive number, or a schedule. */
export function learningRate(owner: string, value: unknown): number | Schedule {
  if (typeof value === 'function') return value as Schedule;
  return positive(owner, 'lr', value);
}

import type { Schedule } from '../types.js';
import { nonNegative } from '../validate.js';

/** The same rate at every step. */
export function constantSchedule(value: number): Schedule {
  const rate = nonNegative('constantSchedule', 'value', value);
  return () => rate;
}

import type { Schedule } from '../types.js';
import { positive } from '../validate.js';

export interface ExponentialDecayOptions {
  readonly initial: number;
  /** The rate is multiplied by this every `decaySteps` steps, smoothly in between. */
  readonly decayRate: number;
  /** Default 1: decayRate per step. */
  readonly decaySteps?: number;
}

/** initial · decayRate^(step / decaySteps). */
export function exponentialDecaySchedule(options: ExponentialDecayOptions): Schedule {
  const initial = positive('exponentialDecaySchedule', 'initial', options.initial);
  const decayRate = positive('exponentialDecaySchedule', 'decayRate', options.decayRate);
  const decaySteps = positive('exponentialDecaySchedule', 'decaySteps', options.decaySteps ?? 1);
  return (step) => initial * decayRate ** (step / decaySteps);
}

import type { Schedule } from '../types.js';
import { positive, wholeNumber } from '../validate.js';

export interface StepDecayOptions {
  readonly initial: number;
  /** Multiplies the rate every `stepSize` steps (e.g. 0.1). */
  readonly factor: number;
  readonly stepSize: number;
}

/** initial · factor^⌊step / stepSize⌋: the rate drops in stairs, as in PyTorch's StepLR. */
export function stepDecaySchedule(options: StepDecayOptions): Schedule {
  const initial = positive('stepDecaySchedule', 'initial', options.initial);
  const factor = positive('stepDecaySchedule', 'factor', options.factor);
  const stepSize = wholeNumber('stepDecaySchedule', 'stepSize', options.stepSize, 1);
  return (step) => initial * factor ** Math.floor(step / stepSize);
}

import type { Schedule } from '../types.js';
import { positive, wholeNumber } from '../validate.js';
import { cosineBetween } from './warmup-cosine-decay.js';

export interface OneCycleOptions {
  readonly totalSteps: number;
  readonly peak: number;
  /** The fraction of steps spent rising to the peak (default 0.3). */
  readonly pctStart?: number;
  /** The rate starts at peak / divFactor (default 25). */
  readonly divFactor?: number;
  /** ...and ends at that start / finalDivFactor (default 1e4). */
  readonly finalDivFactor?: number;
}

/**
 * Smith's one-cycle policy with cosine annealing (as optax's `cosine_onecycle_schedule` and
 * PyTorch's OneCycleLR): up from peak/divFactor to peak over the first pctStart of the steps, then
 * down to peak/(divFactor·finalDivFactor) by `totalSteps`, where it stays.
 */
export function oneCycleSchedule(options: OneCycleOptions): Schedule {
  const totalSteps = wholeNumber('oneCycleSchedule', 'totalSteps', options.totalSteps, 2);
  const peak = positive('oneCycleSchedule', 'peak', options.peak);
  const pctStart = positive('oneCycleSchedule', 'pctStart', options.pctStart ?? 0.3);
  const divFactor = positive('oneCycleSchedule', 'divFactor', options.divFactor ?? 25);
  const finalDivFactor = positive('oneCycleSchedule', 'finalDivFactor', options.finalDivFactor ?? 1e4);
  const rising = Math.floor(pctStart * totalSteps);
  if (rising < 1 || rising >= totalSteps) {
    throw new RangeError(`oneCycleSchedule: pctStart ${pctStart} of ${totalSteps} steps leaves no rising or no falling phase`);
  }
  const start = peak / divFactor;
  const end = start / finalDivFactor;
  return (step) => {
    if (step < rising) return cosineBetween(start, peak, step / rising);
    return cosineBetween(peak, end, Math.min(step - rising, totalSteps - rising) / (totalSteps - rising));
  };
}

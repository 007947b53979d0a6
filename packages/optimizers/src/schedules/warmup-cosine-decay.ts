import type { Schedule } from '../types.js';
import { nonNegative, positive, wholeNumber } from '../validate.js';

export interface WarmupCosineDecayOptions {
  /** The rate at step 0 (default 0). */
  readonly initial?: number;
  /** The rate reached at the end of the warm-up. */
  readonly peak: number;
  readonly warmupSteps: number;
  /** Length of the whole schedule, warm-up included (as in optax). */
  readonly decaySteps: number;
  /** The rate after `decaySteps` (default 0). */
  readonly final?: number;
}

/** Half a cosine from `from` (t = 0) down or up to `to` (t = 1). */
export function cosineBetween(from: number, to: number, t: number): number {
  return to + ((from - to) * (1 + Math.cos(Math.PI * t))) / 2;
}

/**
 * A linear warm-up from `initial` to `peak` over `warmupSteps`, then half a cosine from `peak` to
 * `final` until `decaySteps`, then `final`. The warm-up keeps Adam's first, noisy steps small.
 */
export function warmupCosineDecaySchedule(options: WarmupCosineDecayOptions): Schedule {
  const initial = nonNegative('warmupCosineDecaySchedule', 'initial', options.initial ?? 0);
  const peak = positive('warmupCosineDecaySchedule', 'peak', options.peak);
  const warmupSteps = wholeNumber('warmupCosineDecaySchedule', 'warmupSteps', options.warmupSteps);
  const decaySteps = wholeNumber('warmupCosineDecaySchedule', 'decaySteps', options.decaySteps, warmupSteps + 1);
  const final = nonNegative('warmupCosineDecaySchedule', 'final', options.final ?? 0);
  return (step) => {
    if (step < warmupSteps) return initial + ((peak - initial) * step) / warmupSteps;
    const t = Math.min(step - warmupSteps, decaySteps - warmupSteps) / (decaySteps - warmupSteps);
    return cosineBetween(peak, final, t);
  };
}

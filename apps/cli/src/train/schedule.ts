// --schedule: learning-rate schedules over the whole run, from @keel/optimizers.
import { constantSchedule, exponentialDecaySchedule, oneCycleSchedule, stepDecaySchedule, warmupCosineDecaySchedule, type Schedule } from '@keel/optimizers';
import { nearestId } from '@keel/registry';
import { usageError } from '../errors.js';

export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine', 'onecycle'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export const SCHEDULE_HELP: Readonly<Record<ScheduleName, string>> = {
  constant: 'the same rate throughout',
  step: 'halves the rate after every epoch',
  exponential: 'decays smoothly to 1/100 of the rate by the last step',
  cosine: 'half a cosine from the rate down to 0 over the run',
  onecycle: 'one cycle: up from rate/25 to the rate over the first 30%, then down to ~0',
};

export function checkSchedule(name: string): ScheduleName {
  if ((SCHEDULES as readonly string[]).includes(name)) return name as ScheduleName;
  const nearest = nearestId(name, SCHEDULES);
  throw usageError(`--schedule: unknown schedule '${name}'${nearest === undefined ? '' : `; did you mean '${nearest}'?`} schedules: ${SCHEDULES.join(', ')}`);
}

/** The schedule for a run of `totalSteps` steps of which `stepsPerEpoch` make an epoch, peaking at `lr`. */
export function makeSchedule(name: ScheduleName, lr: number, totalSteps: number, stepsPerEpoch: number): Schedule {
  switch (name) {
    case 'constant':
      return constantSchedule(lr);
    case 'step':
      return stepDecaySchedule({ initial: lr, factor: 0.5, stepSize: Math.max(1, stepsPerEpoch) });
    case 'exponential':
      return exponentialDecaySchedule({ initial: lr, decayRate: 0.01, decaySteps: Math.max(1, totalSteps) });
    case 'cosine':
      return warmupCosineDecaySchedule({ peak: lr, warmupSteps: 0, decaySteps: Math.max(1, totalSteps) });
    case 'onecycle':
      return oneCycleSchedule({ totalSteps: Math.max(4, totalSteps), peak: lr });
  }
}

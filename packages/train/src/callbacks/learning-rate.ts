import { checkOptions, optionField } from '@keel/registry';
import { describeArgument } from '../describe.js';
import type { Callback } from './callback.js';
import { monitorField } from './monitor.js';

/** Sets the learning rate each step from `schedule(epoch, step)`. */
export function learningRateScheduler(schedule: (epoch: number, step: number) => number): Callback {
  if (typeof schedule !== 'function') {
    throw new TypeError(`learningRateScheduler(schedule) must be a function (epoch, step) => learning rate, got ${describeArgument(schedule)}`);
  }
  return {
    name: 'learningRateScheduler',
    onTrainBegin(state) {
      state.learningRateOverride = schedule;
    },
  };
}

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  /** Multiply the learning rate by this when the monitored value stalls (default 0.5). */
  factor?: number;
  patience?: number;
  minDelta?: number;
  minLearningRate?: number;
}

/** Lowers the learning rate when the monitored quantity (default val_loss, else loss) stops improving. */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): Callback & { readonly reductions: number } {
  checkOptions('reduceLROnPlateau', options, {
    monitor: monitorField,
    // 1 or more would never lower the rate, 0 would stop training: both are mistakes
    factor: optionField.number((v) => v > 0 && v < 1, 'between 0 and 1 (exclusive)'),
    patience: optionField.integer(0),
    minDelta: optionField.number((v) => v >= 0, '>= 0'),
    minLearningRate: optionField.number((v) => v >= 0, '>= 0'),
  });
  const factor = options.factor ?? 0.5;
  const patience = options.patience ?? 2;
  const minDelta = options.minDelta ?? 0;
  let best = Infinity;
  let wait = 0;
  let reductions = 0;
  return {
    name: 'reduceLROnPlateau',
    get reductions() {
      return reductions;
    },
    onEpochEnd(_epoch, logs, state) {
      const name = options.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      const value = logs[name];
      // a misspelt monitor would otherwise never lower the rate, silently
      if (value === undefined) throw new Error(`reduceLROnPlateau: '${name}' is not logged; logged: ${Object.keys(logs).join(', ')}`);
      if (value < best - minDelta) {
        best = value;
        wait = 0;
      } else if (++wait >= patience) {
        const floor = options.minLearningRate ?? 0;
        if (state.learningRate * factor >= floor) {
          state.learningRateScale *= factor;
          reductions++;
        }
        wait = 0;
      }
    },
  };
}

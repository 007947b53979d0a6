import { declareOption, optionField, resolveOptions, type OptionFields } from '@keel/registry';
import { describeArgument } from '../describe.js';
import type { Callback } from './callback.js';
import { monitorField } from './monitor.js';

/** The options of learningRateScheduler as a registered entry (`{ id: 'learningRateScheduler', schedule }`). */
export const LEARNING_RATE_SCHEDULER_OPTIONS: OptionFields = {
  schedule: declareOption(
    { expected: 'a function (epoch, step) => learning rate', required: true, accepts: (v) => typeof v === 'function' },
    'the learning rate of each step, from the epoch (0-based) and the step',
  ),
};

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

/** The options of reduceLROnPlateau, declared once: the factory and the registered entry check them. */
export const REDUCE_LR_ON_PLATEAU_OPTIONS: OptionFields = {
  monitor: declareOption(monitorField, "the logged value to watch (default 'val_loss', or 'loss' without validation)"),
  // 1 or more would never lower the rate, 0 would stop training: both are mistakes
  factor: declareOption(optionField.number((v) => v > 0 && v < 1, 'between 0 and 1 (exclusive)'), 'multiplies the learning rate when the value stalls', 0.5),
  patience: declareOption(optionField.integer(0), 'epochs without improvement before lowering the rate', 2),
  minDelta: declareOption(optionField.number((v) => v >= 0, '>= 0'), 'the smallest change that counts as an improvement', 0),
  minLearningRate: declareOption(optionField.number((v) => v >= 0, '>= 0'), 'never lower the rate below this', 0),
};

/** Lowers the learning rate when the monitored quantity (default val_loss, else loss) stops improving. */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): Callback & { readonly reductions: number } {
  const resolved = resolveOptions('reduceLROnPlateau', options, REDUCE_LR_ON_PLATEAU_OPTIONS) as unknown as ReduceLROnPlateauOptions & Required<Omit<ReduceLROnPlateauOptions, 'monitor'>>;
  const { factor, patience, minDelta, minLearningRate } = resolved;
  let best = Infinity;
  let wait = 0;
  let reductions = 0;
  return {
    name: 'reduceLROnPlateau',
    get reductions() {
      return reductions;
    },
    onEpochEnd(_epoch, logs, state) {
      const name = resolved.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      const value = logs[name];
      // a misspelt monitor would otherwise never lower the rate, silently
      if (value === undefined) throw new Error(`reduceLROnPlateau: '${name}' is not logged; logged: ${Object.keys(logs).join(', ')}`);
      if (value < best - minDelta) {
        best = value;
        wait = 0;
      } else if (++wait >= patience) {
        if (state.learningRate * factor >= minLearningRate) {
          state.learningRateScale *= factor;
          reductions++;
        }
        wait = 0;
      }
    },
  };
}

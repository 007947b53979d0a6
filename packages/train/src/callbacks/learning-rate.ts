import type { Callback } from './callback.js';

/** Sets the learning rate each step from `schedule(epoch, step)`. */
export function learningRateScheduler(schedule: (epoch: number, step: number) => number): Callback {
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
      if (value === undefined) return;
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

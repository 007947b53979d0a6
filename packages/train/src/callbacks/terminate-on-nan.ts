import type { Callback } from './callback.js';

/**
 * Stops training quietly at the first non-finite batch loss (instead of the numerics guard's
 * error); `fit` returns the history so far.
 */
export function terminateOnNaN(): Callback & { readonly stoppedAtStep: number | undefined } {
  let stoppedAtStep: number | undefined;
  return {
    name: 'terminateOnNaN',
    get stoppedAtStep() {
      return stoppedAtStep;
    },
    onBatchEnd(_batch, logs, state) {
      if (!Number.isFinite(logs.loss)) {
        stoppedAtStep = state.step;
        state.stopTraining = true;
      }
    },
  };
}

import { declareOption, optionField, resolveOptions, type OptionFields } from '@keel/registry';
import { noGrad, Tensor } from '@keel/tensor';
import type { Callback, Logs } from './callback.js';
import { monitorField } from './monitor.js';

export interface EarlyStoppingOptions {
  /** The logged quantity to watch (default 'val_loss', falling back to 'loss' without validation). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
  /** 'min' for losses, 'max' for accuracies; 'auto' guesses from the name. */
  mode?: 'min' | 'max' | 'auto';
  /** Put back the weights of the best epoch when stopping (or at the end). */
  restoreBestWeights?: boolean;
}

/** The options of earlyStopping, declared once: the factory and the registered entry check them. */
export const EARLY_STOPPING_OPTIONS: OptionFields = {
  monitor: declareOption(monitorField, "the logged value to watch (default 'val_loss', or 'loss' without validation)"),
  patience: declareOption(optionField.integer(0), 'epochs without improvement before stopping', 3),
  minDelta: declareOption(optionField.number((v) => v >= 0, '>= 0'), 'the smallest change that counts as an improvement', 0),
  mode: declareOption(optionField.choice(['min', 'max', 'auto']), "'min' for losses, 'max' for accuracies; 'auto' guesses from the name", 'auto'),
  restoreBestWeights: declareOption(optionField.boolean(), 'put back the weights of the best epoch when stopping (or at the end)', false),
};

/** Stops when the monitored quantity stops improving, optionally restoring the best weights. */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback & { readonly stoppedEpoch: number | undefined; readonly bestEpoch: number | undefined } {
  const resolved = resolveOptions('earlyStopping', options, EARLY_STOPPING_OPTIONS) as unknown as EarlyStoppingOptions & Required<Omit<EarlyStoppingOptions, 'monitor'>>;
  const { patience, minDelta } = resolved;
  let best = Infinity;
  let bestEpoch: number | undefined;
  let stoppedEpoch: number | undefined;
  let wait = 0;
  let snapshot: Map<Tensor, Float32Array | Float64Array> | undefined;
  const monitorOf = (logs: Logs): string => resolved.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
  const signOf = (name: string): number => {
    const { mode } = resolved;
    if (mode === 'min') return 1;
    if (mode === 'max') return -1;
    return /acc|f1|precision|recall|r2/.test(name) ? -1 : 1;
  };
  const restore = (): void => {
    if (snapshot === undefined) return;
    noGrad(() => {
      for (const [t, values] of snapshot!) t.assign(Tensor.fromValues(values.slice(), t.shape, t.dtype, t.backend));
    });
  };
  return {
    name: 'earlyStopping',
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    onTrainBegin() {
      best = Infinity;
      wait = 0;
      bestEpoch = stoppedEpoch = undefined;
      snapshot = undefined;
    },
    onEpochEnd(epoch, logs, state) {
      const name = monitorOf(logs);
      const value = logs[name];
      if (value === undefined) throw new Error(`earlyStopping: '${name}' is not logged; logged: ${Object.keys(logs).join(', ')}`);
      const score = signOf(name) * value;
      if (score < best - minDelta) {
        best = score;
        bestEpoch = epoch;
        wait = 0;
        if (resolved.restoreBestWeights) {
          snapshot = new Map([...state.model.parameters().values(), ...state.model.buffers().values()].map((t) => [t, t.dataSync()]));
        }
      } else if (++wait >= patience) {
        stoppedEpoch = epoch;
        state.stopTraining = true;
      }
    },
    onTrainEnd() {
      if (resolved.restoreBestWeights) restore();
    },
  };
}

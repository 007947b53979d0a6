// Saving during training: a checkpoint after every complete epoch (never a half-trained epoch
// stopped by Ctrl-C), and the global step count schedules read.
import type { Callback, Logs, TrainingState } from '@keel/train';
import { modelCheckpoint, type ModelDirectoryLock } from '@keel/train/node';

/**
 * modelCheckpoint, but only for epochs that ran every batch: when Ctrl-C stops an epoch
 * half-way, fit still ends it (calling onEpochEnd), and saving then would replace the last
 * complete checkpoint with a partial one.
 */
export function completeEpochCheckpoint(
  dir: string,
  preprocessing: unknown,
  options: { readonly lock?: ModelDirectoryLock; readonly onNotice?: (message: string) => void } = {},
): Callback & { readonly saves: number; readonly lastEpoch: number } {
  const inner = modelCheckpoint({ dir, preprocessing, ...options });
  let batches = 0;
  let lastEpoch = 0;
  return {
    name: 'keel-checkpoint',
    get saves() {
      return inner.saves;
    },
    get lastEpoch() {
      return lastEpoch;
    },
    onEpochBegin() {
      batches = 0;
    },
    onBatchEnd() {
      batches++;
    },
    async onEpochEnd(epoch: number, logs: Logs, state: TrainingState) {
      if (batches < state.stepsPerEpoch) return;
      await inner.onEpochEnd?.(epoch, logs, state);
      lastEpoch = epoch + 1;
    },
  };
}

/** Counts optimizer steps over the whole run, resumed runs included (fit counts from 0 in each call), and the examples seen in this call. */
export function stepCounter(initialStep: number): Callback & { readonly step: number; readonly samples: number } {
  let step = initialStep;
  let samples = 0;
  return {
    name: 'keel-steps',
    get step() {
      return step;
    },
    get samples() {
      return samples;
    },
    onBatchEnd(_batch: number, logs: Logs) {
      step++;
      samples += logs.size ?? 0;
    },
  };
}

/** The logs of every epoch that ran all its batches (a Ctrl-C'd epoch is left out). */
export function epochRecorder(): Callback & { readonly epochs: readonly Logs[] } {
  const epochs: Logs[] = [];
  let batches = 0;
  return {
    name: 'keel-epochs',
    epochs,
    onEpochBegin() {
      batches = 0;
    },
    onBatchEnd() {
      batches++;
    },
    onEpochEnd(epoch: number, logs: Logs, state: TrainingState) {
      if (batches >= state.stepsPerEpoch) epochs.push({ epoch: epoch + 1, ...logs });
    },
  };
}

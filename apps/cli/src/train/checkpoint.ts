// Saving during training: a checkpoint after every complete epoch (never a half-trained epoch
// stopped by Ctrl-C), and the global step count schedules read.
import type { Sequential } from '@keel/layers';
import type { Callback, Logs, StateTree, TrainingState } from '@keel/train';
import { saveModel, type ModelDirectoryLock } from '@keel/train/node';
import type { TrainingRecord } from './training-record.js';

/**
 * modelCheckpoint, but only for epochs that ran every batch: when Ctrl-C stops an epoch
 * half-way, fit still ends it (calling onEpochEnd), and saving then would replace the last
 * complete checkpoint with a partial one. Each save keeps the run's record (`record()`: the
 * history so far, the data and the settings resumes changed), so a resume from a checkpoint
 * loses none of it.
 */
export function completeEpochCheckpoint(
  dir: string,
  preprocessing: unknown,
  options: { readonly lock?: ModelDirectoryLock; readonly onNotice?: (message: string) => void },
  record: () => Pick<TrainingRecord, 'history' | 'data' | 'changes'>,
): Callback & { readonly saves: number; readonly lastEpoch: number } {
  let saves = 0;
  let batches = 0;
  let lastEpoch = 0;
  return {
    name: 'keel-checkpoint',
    get saves() {
      return saves;
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
    async onEpochEnd(epoch: number, _logs: Logs, state: TrainingState) {
      if (batches < state.stepsPerEpoch) return;
      const { id, config, state: optimizerState } = state.optimizer;
      await saveModel(
        state.model as Sequential,
        dir,
        {
          preprocessing,
          ...(id === undefined ? {} : { optimizer: { id, config, state: optimizerState as StateTree } }),
          training: { epoch: epoch + 1, step: state.step, seed: state.seed, ...record() },
        },
        options,
      );
      saves++;
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

import { appendFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Sequential } from '@keel/layers';
import { checkOptions, optionField } from '@keel/registry';
import { monitorField } from '../callbacks/monitor.js';
import { describeArgument } from '../describe.js';
import type { Callback, Logs } from '../callbacks/callback.js';
import type { StateTree } from '../save/state.js';
import { saveModel } from './index.js';
import { makeDirectory } from './make-directory.js';
import type { ModelDirectoryLock } from './lock.js';

export interface ModelCheckpointOptions {
  /** The model directory to write (replaced atomically each time). */
  dir: string;
  /** Only save when this logged value improves (default: save every epoch). */
  monitor?: string;
  mode?: 'min' | 'max';
  /** Save the optimizer state too, so training can resume exactly (default true). */
  includeOptimizer?: boolean;
  /** JSON describing the preprocessing the model expects (saved in model.json). */
  preprocessing?: unknown;
  /** The directory's lock, when the caller holds it for the whole run (else each save takes it). */
  lock?: ModelDirectoryLock;
  /** Called with what a save did besides saving (files of an interrupted save removed). */
  onNotice?: (message: string) => void;
}

/** Saves the model (and optimizer state) after epochs, atomically: an interrupted save keeps the last complete one. */
export function modelCheckpoint(options: ModelCheckpointOptions): Callback & { readonly saves: number } {
  checkOptions('modelCheckpoint', options, {
    dir: { expected: "the model directory's path, a string", required: true, accepts: (v) => typeof v === 'string' && v !== '' },
    monitor: monitorField,
    mode: optionField.choice(['min', 'max']),
    includeOptimizer: optionField.boolean(),
    preprocessing: { expected: 'JSON describing the preprocessing', accepts: () => true },
    lock: { expected: 'the ModelDirectoryLock of dir (from lockModelDirectory)', accepts: (v) => typeof v === 'object' && v !== null && typeof (v as { dir?: unknown }).dir === 'string' },
    onNotice: { expected: 'a function (message) => void', accepts: (v) => typeof v === 'function' },
  });
  let best = Infinity;
  let saves = 0;
  return {
    name: 'modelCheckpoint',
    get saves() {
      return saves;
    },
    async onEpochEnd(epoch: number, logs: Logs, state) {
      if (options.monitor !== undefined) {
        const value = logs[options.monitor];
        if (value === undefined) throw new Error(`modelCheckpoint: '${options.monitor}' is not logged; logged: ${Object.keys(logs).join(', ')}`);
        const score = (options.mode ?? (/acc|f1|precision|recall|r2/.test(options.monitor) ? 'max' : 'min')) === 'max' ? -value : value;
        if (score >= best) return;
        best = score;
      }
      const withOptimizer = options.includeOptimizer !== false && state.optimizer.id !== undefined;
      await saveModel(state.model as Sequential, options.dir, {
        ...(options.preprocessing === undefined ? {} : { preprocessing: options.preprocessing }),
        ...(withOptimizer ? { optimizer: { id: state.optimizer.id!, config: state.optimizer.config, state: state.optimizer.state as StateTree } } : {}),
        training: { epoch: epoch + 1, step: state.step, seed: state.seed },
      }, {
        ...(options.lock === undefined ? {} : { lock: options.lock }),
        ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
      });
      saves++;
    },
  };
}

/** Appends one CSV row per epoch (header from the first epoch's logs). */
/** A logger's file path, checked when the logger is made (not at the end of the first epoch). */
function checkPath(owner: string, path: unknown): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${owner}(path) must be the path of the file to write, a string, got ${describeArgument(path)}`);
}

export function csvLogger(path: string): Callback {
  checkPath('csvLogger', path);
  let columns: string[] | undefined;
  return {
    name: 'csvLogger',
    async onTrainBegin() {
      await makeDirectory(dirname(path));
      columns = undefined;
    },
    async onEpochEnd(epoch, logs) {
      if (columns === undefined) {
        columns = ['epoch', ...Object.keys(logs)];
        await writeFile(path, `${columns.join(',')}\n`);
      }
      const row = columns.map((c) => (c === 'epoch' ? String(epoch + 1) : String(logs[c] ?? '')));
      await appendFile(path, `${row.join(',')}\n`);
    },
  };
}

/** Appends one JSON object per epoch (JSON lines). */
export function jsonLogger(path: string): Callback {
  checkPath('jsonLogger', path);
  return {
    name: 'jsonLogger',
    async onTrainBegin() {
      await makeDirectory(dirname(path));
      await writeFile(path, '');
    },
    async onEpochEnd(epoch, logs) {
      await appendFile(path, `${JSON.stringify({ epoch: epoch + 1, ...logs })}\n`);
    },
  };
}

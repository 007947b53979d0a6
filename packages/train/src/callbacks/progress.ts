import { declareOption, optionField, resolveOptions, type OptionFields } from '@keel/registry';
import type { Callback, Logs, TrainingState } from './callback.js';

/** Where progress goes: a terminal (redrawn in place) or a plain line sink. */
export interface ProgressSink {
  write(text: string): void;
  /** True for an interactive terminal: the bar is redrawn with a carriage return. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  sink?: ProgressSink;
  /** One JSON object per line instead of text (no control characters). */
  json?: boolean;
  /** Redraw at most this often (ms). */
  intervalMs?: number;
}

/** A progress event, as `json` mode prints them. */
export interface ProgressEvent {
  readonly event: 'epochBegin' | 'batch' | 'epochEnd';
  readonly epoch: number;
  readonly epochs: number;
  readonly [key: string]: number | string;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function formatLogs(logs: Logs, keys: readonly string[]): string {
  return keys
    .filter((k) => logs[k] !== undefined)
    .map((k) => `${k} ${k.includes('acc') ? (logs[k] * 100).toFixed(2) + '%' : logs[k].toFixed(4)}`)
    .join('  ');
}

function defaultSink(): ProgressSink {
  const stdout = (globalThis as { process?: { stdout?: { write(s: string): void; isTTY?: boolean; columns?: number } } }).process?.stdout;
  if (stdout !== undefined) return { write: (s) => stdout.write(s), isTTY: stdout.isTTY === true, columns: stdout.columns };
  return { write: (s) => console.log(s.replace(/\n$/, '')), isTTY: false };
}

/** The options of progress, declared once: the factory and the registered entry check them. */
export const PROGRESS_OPTIONS: OptionFields = {
  sink: declareOption(
    { expected: 'an object with write(text), such as process.stdout', accepts: (v) => typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function' },
    'where progress is written (default: standard output)',
  ),
  json: declareOption(optionField.boolean(), 'one JSON object per line instead of text', false),
  intervalMs: declareOption(optionField.number((v) => v >= 0, '>= 0'), 'redraw at most this often, in milliseconds', 100),
};

/**
 * Shows training progress. In a terminal: a bar per epoch with ETA, samples/s, loss and
 * accuracy, redrawn in place. Elsewhere: one plain line per epoch; with `json`, one JSON event per line.
 */
export function progress(options: ProgressOptions = {}): Callback {
  const resolved = resolveOptions('progress', options, PROGRESS_OPTIONS) as unknown as ProgressOptions & Required<Omit<ProgressOptions, 'sink'>>;
  const sink = resolved.sink ?? defaultSink();
  const interval = resolved.intervalMs;
  let epochStart = 0;
  let lastDraw = 0;
  let seen = 0;
  let lossSum = 0;
  let batches = 0;
  const emit = (event: ProgressEvent): void => sink.write(`${JSON.stringify(event)}\n`);
  const bar = (done: number, total: number, width: number): string => {
    const filled = Math.round((done / total) * width);
    return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done === total ? '=' : '>') : ''}${' '.repeat(width - filled)}]`;
  };
  return {
    name: 'progress',
    onEpochBegin(epoch: number, state: TrainingState) {
      epochStart = performance.now();
      lastDraw = 0;
      seen = lossSum = batches = 0;
      if (resolved.json) emit({ event: 'epochBegin', epoch: epoch + 1, epochs: state.epochs });
    },
    onBatchEnd(batch: number, logs: Logs, state: TrainingState) {
      seen += logs.size ?? 0;
      lossSum += logs.loss;
      batches++;
      const now = performance.now();
      if (resolved.json || sink.isTTY !== true) return;
      if (now - lastDraw < interval && batch + 1 < state.stepsPerEpoch) return;
      lastDraw = now;
      const seconds = (now - epochStart) / 1000;
      const rate = seen / Math.max(seconds, 1e-9);
      const eta = (state.samplesPerEpoch - seen) / rate;
      const width = Math.max(10, Math.min(30, (sink.columns ?? 80) - 70));
      const line = `epoch ${state.epoch + 1}/${state.epochs} ${bar(batch + 1, state.stepsPerEpoch, width)} ${batch + 1}/${state.stepsPerEpoch}  ETA ${formatDuration(eta)}  ${Math.round(rate).toLocaleString('en-US')} samples/s  loss ${(lossSum / batches).toFixed(4)}`;
      sink.write(`\r${line}\u001b[K`);
    },
    onEpochEnd(epoch: number, logs: Logs, state: TrainingState) {
      const seconds = (performance.now() - epochStart) / 1000;
      const rate = seen / Math.max(seconds, 1e-9);
      if (resolved.json) {
        emit({ event: 'epochEnd', epoch: epoch + 1, epochs: state.epochs, seconds, samplesPerSecond: rate, ...logs });
        return;
      }
      const keys = Object.keys(logs).filter((k) => k !== 'seconds' && k !== 'lr');
      const text = `epoch ${epoch + 1}/${state.epochs}  ${formatDuration(seconds)}  ${Math.round(rate).toLocaleString('en-US')} samples/s  ${formatLogs(logs, keys)}`;
      sink.write(sink.isTTY === true ? `\r${text}\u001b[K\n` : `${text}\n`);
    },
  };
}

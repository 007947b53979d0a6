// What a person (or a program, with --json) sees while training: a bar per epoch in a terminal,
// one line per epoch elsewhere, one JSON event per epoch with --json.
import type { Callback, Logs, Metric, TrainingState } from '@keel/train';
import { compact, count, duration, fixed, percent } from '../format.js';
import type { Output } from '../output.js';

export interface ProgressOptions {
  /** A running accuracy, read after every batch (fit updates it before onBatchEnd). */
  readonly accuracy?: Metric;
  /** Set when Ctrl-C asked training to stop. */
  readonly signal?: AbortSignal;
  /** Redraw the bar at most this often (ms). */
  readonly intervalMs?: number;
}

function bar(done: number, total: number, width: number): string {
  const filled = Math.min(width, Math.round((done / Math.max(total, 1)) * width));
  const head = filled > 0 && done < total ? '>' : filled > 0 ? '=' : '';
  return `[${'='.repeat(Math.max(0, filled - 1))}${head}${' '.repeat(width - filled)}]`;
}

export interface ProgressFields {
  readonly head: string;
  readonly done: number;
  readonly total: number;
  readonly eta: number;
  readonly rate: number;
  readonly loss: number;
  readonly accuracy?: number;
  readonly columns: number;
}

/**
 * One progress line that fits the terminal: the full form when there is room; in a narrow one the
 * labels shrink first, then the bar goes — the numbers (ETA, loss, accuracy) are never cut.
 */
export function progressLine(f: ProgressFields): string {
  const acc = f.accuracy === undefined ? [] : [`acc ${percent(f.accuracy)}`];
  const wide = [`${f.done}/${f.total}`, `ETA ${duration(f.eta)}`, `${count(f.rate)} samples/s`, `loss ${fixed(f.loss)}`, ...acc].join('  ');
  const narrow = [`${f.done}/${f.total}`, `ETA ${duration(f.eta)}`, `${count(f.rate)}/s`, `loss ${fixed(f.loss)}`, ...acc].join(' ');
  const room = f.columns - 1;
  for (const tail of [wide, narrow]) {
    const width = Math.min(30, room - f.head.length - tail.length - 4);
    if (width >= 10) return `${f.head} ${bar(f.done, f.total, width)} ${tail}`;
  }
  const bare = `${f.head} ${narrow}`;
  return bare.length <= room ? bare : narrow.slice(0, room);
}

/** Epoch-end logs as `loss 0.1234  accuracy 97.12%  val_loss ...`. */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'seconds' && k !== 'lr' && k !== 'size')
    .map(([k, v]) => `${k} ${/acc/.test(k) ? percent(v) : fixed(v)}`)
    .join('  ');
}

export function progressDisplay(out: Output, options: ProgressOptions = {}): Callback & { readonly batchesDone: number } {
  const interval = options.intervalMs ?? 100;
  let started = 0;
  let lastDraw = 0;
  let seen = 0;
  let lossSum = 0;
  let batches = 0;
  return {
    name: 'keel-progress',
    get batchesDone() {
      return batches;
    },
    onEpochBegin() {
      started = performance.now();
      lastDraw = 0;
      seen = lossSum = batches = 0;
    },
    onBatchEnd(batch: number, logs: Logs, state: TrainingState) {
      seen += logs.size ?? 0;
      lossSum += logs.loss;
      batches++;
      if (!out.interactive) return;
      const now = performance.now();
      if (now - lastDraw < interval && batch + 1 < state.stepsPerEpoch) return;
      lastDraw = now;
      const seconds = (now - started) / 1000;
      const rate = seen / Math.max(seconds, 1e-9);
      const eta = (state.samplesPerEpoch - seen) / rate;
      const acc = options.accuracy?.result();
      const line = progressLine({
        head: `epoch ${state.epoch + 1}/${state.epochs}`,
        done: batch + 1,
        total: state.stepsPerEpoch,
        eta,
        rate,
        loss: lossSum / batches,
        ...(typeof acc === 'number' ? { accuracy: acc } : {}),
        columns: out.columns,
      });
      out.redraw(`\r${line}\u001b[K`);
    },
    onEpochEnd(epoch: number, logs: Logs, state: TrainingState) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seen / Math.max(seconds, 1e-9);
      const complete = batches === state.stepsPerEpoch;
      if (!complete && options.signal?.aborted === true) {
        out.redraw('\r\u001b[K');
        out.line(`epoch ${epoch + 1}/${state.epochs}  interrupted after ${batches}/${state.stepsPerEpoch} batches`);
        return;
      }
      out.event('epoch', { epoch: epoch + 1, epochs: state.epochs, ...logs, seconds, samplesPerSecond: rate });
      out.redraw('\r\u001b[K');
      out.line(`epoch ${epoch + 1}/${state.epochs}  ${duration(seconds)}  ${count(rate)} samples/s  lr ${compact(logs.lr ?? NaN)}  ${formatLogs(logs)}`);
    },
  };
}

/**
 * Lets the event loop run (so Ctrl-C is noticed) at least every `intervalMs` while fit's batch
 * loop runs. Awaiting callbacks does not yield to signals; fit itself yields only every 16
 * batches (seconds, for a convnet on the 'js' backend), and not at all in earlier versions.
 */
export function yieldToEventLoop(intervalMs = 50): Callback {
  let last = performance.now();
  return {
    name: 'keel-yield',
    async onBatchEnd() {
      const now = performance.now();
      if (now - last < intervalMs) return;
      last = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

import { availableParallelism } from 'node:os';
import { addonOnce } from './addon.js';

const MAX_THREADS = 1024;

function check(threads: number, source: string): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`${source}: threads must be a whole number from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  }
  return threads;
}

/** KEEL_NATIVE_THREADS if set, else one per core. */
function defaultThreads(): number {
  const fromEnv = process.env.KEEL_NATIVE_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') return check(Number(fromEnv), 'KEEL_NATIVE_THREADS');
  return Math.min(availableParallelism(), MAX_THREADS);
}

let wanted: number | undefined;

/**
 * Threads for the BLAS (matmul) and for the addon's own loops (large elementwise ops, reductions,
 * softmax), default one per core. With 1 thread every result is deterministic; the addon's own
 * loops give the same bits at any thread count. Takes effect at once, or when the backend starts.
 */
export function setNativeThreads(threads: number): void {
  wanted = check(threads, 'setNativeThreads');
  addonOnce().addon?.setThreads(wanted);
}

/** The thread count in effect (or that will be, once the backend starts). */
export function getNativeThreads(): number {
  wanted ??= defaultThreads();
  return wanted;
}

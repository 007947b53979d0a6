// @ts-check
// The control block through which the calling thread shares a kernel call with the worker threads
// (thread-pool.ts, worker.js): Int32 words in the backend's shared linear memory, used through
// Atomics. Plain JavaScript, so that worker.js can import it from src/ as from dist/.
//
// A job is cut into chunks that write disjoint parts of the output. Every thread — the caller
// included — claims chunks one at a time until none is left, so a worker that is slow to wake (or
// descheduled by a busy machine) never holds the caller up: the caller just runs more chunks.

/** Generation of the latest job (1..0xffff): bumped, then notified, to start one. Workers wait on it. */
export const GEN = 0;
/** The next chunk to claim, tagged with its job's generation: generation << 16 | index. */
export const NEXT = 1;
/** Chunks in the current job. */
export const TOTAL = 2;
/** Chunks finished; the caller waits for it to reach TOTAL. */
export const DONE = 3;
/** Set when a chunk threw. */
export const ERROR = 4;
/** Always 0: Atomics.wait on it with value 1 returns at once where blocking is allowed, throws where not. */
export const PROBE = 5;
/** Threads that may claim chunks of the current job: workers 1 .. LIMIT − 1 (the others stay parked). */
export const LIMIT = 6;
/** READY + i is 1 once worker i listens. */
export const READY = 16;
/** The job record: the kernel's arguments (assembly/parallel.ts reads them). */
export const JOB = READY + 64;
export const JOB_WORDS = 24;
export const CONTROL_INTS = JOB + JOB_WORDS;

/** Polls before sleeping in Atomics.wait: jobs often come back to back, and waking a sleeper costs ~10–40 µs. */
export const SPINS = 20000;

/**
 * Claims the next chunk of job `generation`: its index, or -1 when none is left or that job is over
 * (the generation tag makes a late thread's claim fail instead of taking a chunk of a newer job).
 * @param {Int32Array} ctl
 * @param {number} generation
 */
function claim(ctl, generation) {
  for (;;) {
    const next = Atomics.load(ctl, NEXT);
    if (next >>> 16 !== generation || (next & 0xffff) >= Atomics.load(ctl, TOTAL)) return -1;
    if (Atomics.compareExchange(ctl, NEXT, next, next + 1) === next) return next & 0xffff;
  }
}

/**
 * Runs chunks of job `generation` with `run(chunk, chunks)` until none is left; counts each as
 * done (waking the caller after the last). Returns what the first failing chunk threw.
 * @param {Int32Array} ctl
 * @param {number} generation
 * @param {(chunk: number, chunks: number) => void} run
 * @returns {unknown}
 */
export function runChunks(ctl, generation, run) {
  let failure;
  for (let chunk = claim(ctl, generation); chunk >= 0; chunk = claim(ctl, generation)) {
    const total = Atomics.load(ctl, TOTAL);
    try {
      run(chunk, total);
    } catch (error) {
      failure ??= error;
      Atomics.store(ctl, ERROR, 1);
    }
    if (Atomics.add(ctl, DONE, 1) + 1 === total) Atomics.notify(ctl, DONE);
  }
  return failure;
}

/**
 * What a worker is started with.
 * @typedef {object} WorkerInit
 * @property {WebAssembly.Module} module the kernels, compiled once by the calling thread
 * @property {WebAssembly.Memory} memory the backend's shared linear memory
 * @property {number} control byte offset of the control block in memory
 * @property {number} index the worker's number (1, 2, ...; the calling thread is 0)
 * @property {number} work byte offset of this worker's scratch for the kernels
 */

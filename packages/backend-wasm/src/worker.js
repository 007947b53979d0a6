// @ts-check
/* global WebAssembly */
// A worker thread of the 'wasm' backend (see thread-pool.ts). It instantiates the kernels on the
// backend's shared memory, then helps with every kernel call the calling thread splits, woken
// through Atomics on the control block — no message per call. The same file runs in Node's
// worker_threads and as a Web Worker (plain JavaScript: it loads from src/ as from dist/).
import { CONTROL_INTS, GEN, JOB, LIMIT, READY, SPINS, runChunks } from './control.js';

/**
 * Serves jobs until the pool terminates the worker; parked (not among the threads in use) while
 * its index is at or above the job's limit.
 * @param {import('./control.js').WorkerInit} init
 */
function serve({ module, memory, control, index, work }) {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const kernels = /** @type {{ runPart(job: number, chunk: number, chunks: number, work: number): void }} */ (/** @type {unknown} */ (instance.exports));
  const ctl = new Int32Array(memory.buffer, control, CONTROL_INTS);
  const job = control + JOB * 4;
  /** @param {number} chunk @param {number} chunks */
  const run = (chunk, chunks) => kernels.runPart(job, chunk, chunks, work);
  let seen = Atomics.load(ctl, GEN);
  Atomics.store(ctl, READY + index, 1);
  for (;;) {
    // an active worker polls a while before sleeping (jobs come back to back); a parked one sleeps at once
    const polls = index < Atomics.load(ctl, LIMIT) ? SPINS : 0;
    for (let spins = 0; Atomics.load(ctl, GEN) === seen; spins++) {
      if (spins >= polls) Atomics.wait(ctl, GEN, seen);
    }
    seen = Atomics.load(ctl, GEN);
    // failures are flagged in the control block for the caller
    if (index < Atomics.load(ctl, LIMIT)) runChunks(ctl, seen, run);
  }
}

/** @type {{ versions?: { node?: string }, getBuiltinModule?: (id: string) => unknown } | undefined} */
const nodeProcess = /** @type {any} */ (globalThis).process;
if (typeof nodeProcess?.versions?.node === 'string') {
  // Node: started by thread-pool.ts with workerData (the specifier is computed so bundlers leave it alone)
  const id = 'node:worker_threads';
  /** @type {{ workerData: import('./control.js').WorkerInit }} */
  const threads = /** @type {any} */ (nodeProcess.getBuiltinModule?.(id) ?? (await import(/* @vite-ignore */ id)));
  serve(threads.workerData);
} else {
  // a Web Worker: the first message is the WorkerInit
  /** @type {any} */ (globalThis).onmessage = (/** @type {MessageEvent<import('./control.js').WorkerInit>} */ event) => serve(event.data);
}

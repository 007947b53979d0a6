// The worker threads of the 'wasm' backend. Every worker instantiates the same compiled kernels on
// the backend's shared memory once; a split kernel call then costs a few Atomics operations — the
// caller writes the job record, publishes the job's chunks and bumps the generation word, claims
// chunks itself alongside the workers, and waits until every chunk is done. No message is posted
// per call (see control.js).
import { CONTROL_INTS, DONE, ERROR, GEN, JOB, JOB_WORDS, LIMIT, NEXT, PROBE, READY, SPINS, TOTAL, runChunks } from './control.js';
import type { Heap } from './memory.js';
import type { LoadedKernels } from './module.js';
import { spawnWorker, type SpawnedWorker } from './spawn-worker.js';

/** How long the caller waits for a chunk a worker claimed before giving up on threads (a dead worker). */
const CHUNK_TIMEOUT_MS = 60_000;
/** How long `whenReady()` waits for workers to start. */
const START_TIMEOUT_MS = 30_000;

function canBlock(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, PROBE, 1, 0); // browsers' main threads may not block: this throws there
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  /** Byte offset of the job record (see control.js). */
  readonly job: number;
  /** The job record's words, for the kernels that split (parallel-gemm.ts, parallel-map.ts). */
  readonly jobWords: Int32Array;
  /** The same record as float64 values (an affine map's scale and offset). */
  readonly jobFloats: Float64Array;
  /** Kernel calls split across threads so far. */
  parallelCalls = 0;
  private readonly ctl: Int32Array;
  private readonly control: number;
  private readonly blocking: boolean;
  /** Threads asked for, the calling one included. */
  private requested = 1;
  /** Workers by index (index 0, the calling thread, is unused); those at or past `requested` are parked. */
  private workers: (SpawnedWorker | undefined)[] = [undefined];
  /** Each worker index's kernel scratch, reserved once. */
  private readonly scratch: number[] = [];
  private failure: string | undefined;
  private generation = 0;
  /** Workers started asynchronously (older Node): the latest start of each index, so a superseded one is terminated. */
  private attempts = 0;
  private readonly attempt: number[] = [];

  constructor(
    private readonly kernels: LoadedKernels,
    private readonly heap: Heap,
    private readonly scratchBytes: number,
  ) {
    this.control = heap.reserve(CONTROL_INTS * 4);
    this.job = this.control + JOB * 4;
    // a view of the memory as it is now: shared buffers are never detached, so it stays valid as memory grows
    this.ctl = new Int32Array(kernels.memory.buffer, this.control, CONTROL_INTS);
    this.ctl.fill(0);
    this.jobWords = this.ctl.subarray(JOB);
    this.jobFloats = new Float64Array(kernels.memory.buffer, this.job, JOB_WORDS / 2);
    this.blocking = canBlock(this.ctl);
  }

  /** Threads asked for (the calling one included). */
  get threads(): number {
    return this.requested;
  }

  /** Why fewer threads than asked for run, if a worker failed. */
  get reason(): string | undefined {
    return this.failure;
  }

  /** Threads kernels may use now: the calling one plus the workers listening, in index order. */
  active(): number {
    let n = 1;
    while (n < this.requested && n < this.workers.length && Atomics.load(this.ctl, READY + n) === 1) n++;
    return n;
  }

  /**
   * Uses `threads` threads (the calling one included) from now on: missing workers are started;
   * workers beyond the count are parked (asleep, ready to be used again at once), not stopped.
   */
  resize(threads: number): void {
    this.failure = undefined;
    this.requested = threads;
    for (let i = this.workers.length; i < threads; i++) this.start(i);
  }

  /** Stops every worker (threads then 1; `resize` starts them again). */
  stop(): void {
    for (let i = 1; i < this.workers.length; i++) {
      Atomics.store(this.ctl, READY + i, 0);
      this.workers[i]?.terminate();
      this.attempt[i] = 0;
    }
    this.workers = [undefined];
    this.requested = 1;
  }

  private start(index: number): void {
    this.scratch[index] ??= this.heap.reserve(this.scratchBytes);
    const init = { module: this.kernels.module, memory: this.kernels.memory, control: this.control, index, work: this.scratch[index] };
    const onError = (message: string): void => this.fail(index, message);
    const spawned = spawnWorker(init, onError);
    this.workers[index] = undefined;
    if (spawned instanceof Promise) {
      const attempt = (this.attempt[index] = ++this.attempts);
      spawned.then(
        (worker) => {
          if (this.attempt[index] === attempt && index < this.workers.length) this.workers[index] = worker;
          else worker.terminate(); // stopped (or started again) while it was loading
        },
        (error: unknown) => onError(error instanceof Error ? error.message : String(error)),
      );
    } else {
      this.workers[index] = spawned;
    }
  }

  /** A worker failed to start or died: kernels go on with the workers before it. */
  private fail(index: number, message: string): void {
    if (index >= this.workers.length) return; // stopped already
    this.failure ??= `worker thread ${index} failed: ${message}`;
    for (let i = index; i < this.workers.length; i++) {
      Atomics.store(this.ctl, READY + i, 0);
      this.workers[i]?.terminate();
      this.attempt[i] = 0;
    }
    this.workers.length = index;
  }

  /** Resolves once every requested worker listens (or failed: see `reason`). */
  async whenReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (this.active() < Math.min(this.requested, this.workers.length)) {
      if (Date.now() > deadline) {
        this.fail(this.active(), `it did not start within ${START_TIMEOUT_MS / 1000} s`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * Runs the job in the job record as `chunks` chunks (< 65536) on the active threads: this one,
   * with `work` as its scratch, and the workers, as they come free. Returns when all are done.
   */
  run(chunks: number, work: number): void {
    const ctl = this.ctl;
    const threads = this.active();
    const generation = (this.generation = (this.generation % 0xffff) + 1);
    Atomics.store(ctl, ERROR, 0);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, TOTAL, chunks);
    Atomics.store(ctl, LIMIT, threads);
    Atomics.store(ctl, NEXT, generation << 16);
    Atomics.store(ctl, GEN, generation);
    Atomics.notify(ctl, GEN);
    const exports = this.kernels.exports;
    const failure = runChunks(ctl, generation, (chunk, total) => exports.runPart(this.job, chunk, total, work));
    this.waitForChunks(chunks);
    this.parallelCalls++;
    if (failure !== undefined) throw failure as Error; // what the kernel threw on this thread (a WebAssembly trap)
    if (Atomics.load(ctl, ERROR) !== 0) throw new Error('wasm backend: a worker thread failed while running its part of a kernel');
  }

  private waitForChunks(chunks: number): void {
    const ctl = this.ctl;
    let deadline = 0;
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(ctl, DONE);
      if (done === chunks) return;
      if (spins < SPINS) continue;
      const now = Date.now();
      if (deadline === 0) deadline = now + CHUNK_TIMEOUT_MS;
      if (now > deadline) {
        this.fail(1, `no answer within ${CHUNK_TIMEOUT_MS / 1000} s`);
        throw new Error(`wasm backend: a worker thread did not finish its part of a kernel within ${CHUNK_TIMEOUT_MS / 1000} s; threads are now off`);
      }
      if (this.blocking) Atomics.wait(ctl, DONE, done, 10);
    }
  }
}

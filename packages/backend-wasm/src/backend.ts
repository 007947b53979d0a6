import { defineBackend, jsBackend, TensorError, type Backend, type DType, type KernelTable, type Shape, type TypedArray } from '@keel/tensor';
import { wasmBodies } from './kernels.js';
import { bindKernels, type WasmRecord } from './kernel.js';
import { Box, Heap, WasmHandle, type HeapOptions, type MemoryStats } from './memory.js';
import { kernelsSync, type KernelExports, type LoadedKernels } from './module.js';
import { gemm } from './parallel-gemm.js';
import { checkThreads, defaultThreads, threadsUnavailableReason } from './thread-support.js';
import { ThreadPool } from './thread-pool.js';

export interface WasmBackendOptions extends HeapOptions {
  /**
   * Threads that large kernels (matmul, and so conv2d) are split across, the calling thread
   * included. Default: the available cores (at most 8), or 1 where threads cannot run
   * (no SharedArrayBuffer: a browser page that is not cross-origin isolated).
   */
  readonly threads?: number;
}

/** How the backend uses threads (see `wasmThreads()`). */
export interface WasmThreadInfo {
  /** Threads asked for (option, `setWasmThreads` or the default), the calling thread included. */
  readonly requested: number;
  /** Threads large kernels are split across right now: 1 until the workers have started. */
  readonly active: number;
  /** Why kernels run on fewer threads than requested (or on one only), if they do. */
  readonly reason: string | undefined;
  /** Kernel calls split across threads so far. */
  readonly parallelCalls: number;
}

function boxOf(handle: unknown): Box {
  if (!(handle instanceof WasmHandle)) throw new TypeError("wasm backend: not a handle of the 'wasm' backend");
  return handle.box;
}

/**
 * The 'wasm' backend: float32 tensors live in the kernels' linear memory (see Heap for the memory
 * model); float64 tensors stay in JavaScript arrays and their ops run on the 'js' fallback.
 */
export class WasmBackend implements Backend<WasmHandle> {
  readonly name = 'wasm';
  /** Its kernels (src/kernels.ts); every other op, float64 inputs and layouts they leave out run on 'js'. */
  readonly kernels: KernelTable<WasmHandle>;
  readonly fallback = jsBackend;
  readonly dtypes = ['float32'] as const;
  /** Reads copy out of linear memory (or hand back the host copy, which is never written): nothing is pinned. */
  readonly readsCopy = true;
  /** The WebAssembly module's exports: the kernels' entry points. */
  readonly wasm: KernelExports;
  readonly heap: Heap;
  /** Scratch for the matmul packing buffers (of the calling thread; each worker has its own). */
  readonly gemmWork: number;
  /** The worker threads, where the kernels run on a shared memory; undefined where threads cannot run. */
  readonly pool: ThreadPool | undefined;
  private readonly noThreadsReason: string | undefined;
  /** Threads asked for where there is no pool (reported, not used). */
  private threadsAskedFor: number;

  constructor(loaded: LoadedKernels, options: WasmBackendOptions = {}) {
    this.wasm = loaded.exports;
    this.kernels = bindKernels(this, wasmBodies);
    this.heap = new Heap(loaded.memory, this.wasm.heapBase(), options);
    const scratchBytes = this.wasm.gemmWorkFloats() * 4;
    this.gemmWork = this.heap.reserve(scratchBytes);
    const threads = checkThreads(options.threads ?? defaultThreads());
    this.threadsAskedFor = threads;
    if (loaded.shared) {
      this.pool = new ThreadPool(loaded, this.heap, scratchBytes);
      this.pool.resize(threads);
    } else {
      this.noThreadsReason = threadsUnavailableReason() ?? 'the kernels were loaded on an unshared memory';
    }
  }

  /** Sets the number of threads (the calling one included): missing workers start, extra ones are parked. */
  setThreads(threads: number): void {
    this.threadsAskedFor = checkThreads(threads);
    this.pool?.resize(threads);
  }

  /** Terminates the worker threads (threads become 1 until set again). */
  disposeThreads(): void {
    this.pool?.stop();
  }

  threadInfo(): WasmThreadInfo {
    if (this.pool === undefined) return { requested: this.threadsAskedFor, active: 1, reason: this.noThreadsReason, parallelCalls: 0 };
    const requested = this.pool.threads;
    const active = this.pool.active();
    const reason = this.pool.reason ?? (active < requested ? 'the worker threads are starting (await wasmReady())' : undefined);
    return { requested, active, reason, parallelCalls: this.pool.parallelCalls };
  }

  /** C = A·B (see parallel-gemm.ts), on as many threads as pays. */
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number): void {
    gemm(this.wasm, this.pool, this.gemmWork, a, aRow, aCol, b, bRow, bCol, c, m, n, k);
  }

  /** Keeps the array itself (no copy): it moves into linear memory when a kernel first reads it. */
  upload(values: TypedArray, dtype: DType): WasmHandle {
    return new WasmHandle(new Box(values.length, dtype, values));
  }

  download(handle: WasmHandle, _dtype: DType, _size: number): TypedArray {
    const box = boxOf(handle);
    if (box.disposed) throw new TensorError('values', 'this tensor was disposed; its values are gone');
    return this.heap.read(box);
  }

  dispose(handle: WasmHandle): void {
    this.heap.dispose(handle);
  }

  stats(): MemoryStats {
    return this.heap.stats();
  }

  // ---- for kernels -----------------------------------------------------------------------

  /** Starts a kernel call: blocks it touches from now on are pinned until the next call. */
  begin(): void {
    this.heap.epoch++;
  }

  /**
   * The byte offset of a float32 input's values in linear memory, bringing them in if needed (a
   * tensor of another backend arrives as a fresh upload, which the engine frees after the call).
   */
  input(r: WasmRecord): number {
    const handle = r.data;
    const box = handle.box;
    if (box.disposed) throw new TensorError('wasm', `a tensor of shape [${r.shape.join(', ')}] was used after dispose()`);
    if (box.rid === 0) {
      this.heap.upload(box);
      this.heap.track(handle);
    }
    box.pin = this.heap.epoch;
    return box.ptr;
  }

  /** A new float32 output of `shape` in linear memory, the byte offset of its values, and their count. */
  output(shape: Shape): { record: WasmRecord; ptr: number; size: number } {
    const size = shape.reduce((p, d) => p * d, 1);
    const box = this.heap.allocate(size);
    const handle = new WasmHandle(box);
    this.heap.track(handle);
    return { record: { data: handle, shape, dtype: 'float32' }, ptr: box.ptr, size };
  }
}

let shared: WasmBackend | undefined;
let pendingOptions: WasmBackendOptions = {};

/** Options for the backend created on first use (set before it is created). */
export function configureWasmBackend(options: WasmBackendOptions): void {
  if (options.threads !== undefined) checkThreads(options.threads);
  if (shared !== undefined) throw new Error("wasm backend: configure it before its first use (setBackend('wasm') creates it)");
  pendingOptions = { ...options };
}

/**
 * Sets how many threads large kernels are split across, the calling thread included. Takes
 * effect at once if the backend exists — new workers are used once started (`await wasmReady()`
 * waits for them); lowering the count parks the extra workers, asleep, for instant reuse — else
 * when it is created.
 */
export function setWasmThreads(threads: number): void {
  checkThreads(threads);
  if (shared === undefined) pendingOptions = { ...pendingOptions, threads };
  else shared.setThreads(threads);
}

/**
 * Terminates the backend's worker threads; kernels then run on the calling thread until
 * `setWasmThreads` asks for more. Never needed in Node (workers do not keep a process alive);
 * in a browser it frees the workers' memory.
 */
export function disposeWasmThreads(): void {
  if (shared !== undefined) shared.disposeThreads();
  else pendingOptions = { ...pendingOptions, threads: 1 };
}

/** The process-wide 'wasm' backend, created on first use; throws saying why it cannot run here. */
export function wasmBackend(): WasmBackend {
  shared ??= defineBackend<WasmHandle, WasmBackend>(new WasmBackend(kernelsSync(), pendingOptions));
  return shared;
}

/** Whether the backend exists already (without creating it). */
export function wasmBackendCreated(): boolean {
  return shared !== undefined;
}

import { Tensor, TensorError, type Backend, type DType, type Shape, type TypedArray } from '@keel/tensor';
import { Box, Heap, WasmHandle, type HeapOptions, type MemoryStats } from './memory.js';
import { kernelsSync, type KernelExports } from './module.js';

export type WasmBackendOptions = HeapOptions;

function boxOf(handle: unknown): Box {
  if (!(handle instanceof WasmHandle)) throw new TypeError("wasm backend: not a handle of the 'wasm' backend");
  return handle.box;
}

/**
 * The 'wasm' backend: float32 tensors live in the kernels' linear memory (see Heap for the memory
 * model); float64 tensors stay in JavaScript arrays and their ops run on the 'js' kernels.
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly kernels: KernelExports;
  readonly heap: Heap;
  /** Scratch for the matmul packing buffers. */
  readonly gemmWork: number;
  /** Inputs from other backends, copied in for one kernel call and freed after it. */
  private temporaries: Box[] = [];

  constructor(kernels: KernelExports, options: WasmBackendOptions = {}) {
    this.kernels = kernels;
    this.heap = new Heap(kernels.memory, kernels.heapBase(), options);
    this.gemmWork = this.heap.reserve(kernels.gemmWorkFloats() * 4);
  }

  /** Keeps the array itself (no copy): it moves into linear memory when a kernel first reads it. */
  upload(values: TypedArray, dtype: DType): unknown {
    return new WasmHandle(new Box(values.length, dtype, values));
  }

  download(handle: unknown, _dtype: DType, _size: number): TypedArray {
    const box = boxOf(handle);
    if (box.disposed) throw new TensorError('values', 'this tensor was disposed; its values are gone');
    return this.heap.read(box);
  }

  dispose(handle: unknown): void {
    this.heap.dispose(handle as WasmHandle);
  }

  stats(): MemoryStats {
    return this.heap.stats();
  }

  // ---- for kernels -----------------------------------------------------------------------

  /** Starts a kernel call: blocks it touches from now on are pinned until the next call. */
  begin(): void {
    this.heap.epoch++;
  }

  /** Ends a kernel call: frees the temporaries it made. */
  end(): void {
    for (const box of this.temporaries) this.heap.release(box);
    this.temporaries = [];
  }

  /** The byte offset of a float32 tensor's values in linear memory, bringing them in if needed. */
  input(t: Tensor): number {
    if (t.backend === this) {
      const handle = t.handle as WasmHandle;
      const box = handle.box;
      if (box.disposed) throw new TensorError('wasm', `a tensor of shape [${t.shape.join(', ')}] was used after dispose()`);
      if (box.rid === 0) {
        this.heap.upload(box);
        this.heap.track(handle);
      }
      box.pin = this.heap.epoch;
      return box.ptr;
    }
    // a tensor of another backend: copied in for this call only
    const box = new Box(t.size, 'float32', t.values);
    this.heap.upload(box);
    this.temporaries.push(box);
    return box.ptr;
  }

  /** A new float32 tensor of `shape` in linear memory, and the byte offset of its values. */
  output(shape: Shape): { tensor: Tensor; ptr: number } {
    const size = shape.reduce((p, d) => p * d, 1);
    const box = this.heap.allocate(size);
    const handle = new WasmHandle(box);
    this.heap.track(handle);
    return { tensor: new Tensor(handle, shape, 'float32', this), ptr: box.ptr };
  }
}

let shared: WasmBackend | undefined;
let pendingOptions: WasmBackendOptions = {};

/** Options for the backend created on first use (set before it is created). */
export function configureWasmBackend(options: WasmBackendOptions): void {
  if (shared !== undefined) throw new Error("wasm backend: configure it before its first use (setBackend('wasm') creates it)");
  pendingOptions = { ...options };
}

/** The process-wide 'wasm' backend, created on first use; throws saying why it cannot run here. */
export function wasmBackend(): WasmBackend {
  shared ??= new WasmBackend(kernelsSync(), pendingOptions);
  return shared;
}

/** Whether the backend exists already (without creating it). */
export function wasmBackendCreated(): boolean {
  return shared !== undefined;
}

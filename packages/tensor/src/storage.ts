import type { Backend } from './backend/backend.js';
import type { DType, TypedArray } from './dtype.js';
import { TensorError } from './errors.js';

/**
 * THE OWNERSHIP RULE — the one place that decides when a backend's memory may be reused.
 *
 * 1. A `Storage` is one allocation on one backend. Every tensor over it holds one reference: the
 *    tensor that made it, each view (`reshape`, `detach`) and each tensor it was `assign`ed into.
 * 2. A tensor gives its reference back exactly once: `dispose()`, its allocation scope closing
 *    (`tidy`, `fit`'s step), or `replace`/`assign` putting other storage in its place. When the
 *    last reference goes, the storage is freed: `Backend.dispose` may reuse the memory at once.
 * 3. Handing values out pins: `.values` on a backend whose reads return its own memory ('js',
 *    'native') pins the storage, and a pinned storage is never given to `Backend.dispose` — when
 *    its last reference goes it is only dropped, and the garbage collector frees the memory once
 *    the user lets go of the array too. Backends whose reads are copies (`readsCopy`: 'wasm', a
 *    GPU) pin nothing: the copy is the user's.
 * 4. Nothing else frees memory: scopes release references (see allocation-scope.ts), kernels only
 *    borrow their inputs for the length of the call, and an asynchronous read (`await t.data()`)
 *    holds a reference until its values have arrived.
 *
 * Every read of values to the host goes through `hostValues` (synchronous) or `Storage.readAsync`.
 */

/** The values of `data` on the host, synchronously; a backend that only reads asynchronously says to await. */
export function hostValues(backend: Backend, data: unknown, dtype: DType, size: number): TypedArray {
  if (backend.download === undefined) {
    throw new TensorError('values', `backend '${backend.name}' reads values asynchronously only: use await t.data()`);
  }
  return backend.download(data, dtype, size);
}

export class Storage {
  private refs = 1;
  private pinned = false;
  private current: unknown;

  constructor(
    readonly backend: Backend,
    handle: unknown,
  ) {
    this.current = handle;
  }

  /** The backend's handle; undefined once freed (no tensor can reach a freed storage). */
  get handle(): unknown {
    return this.current;
  }

  /** Whether `.values` handed its memory out (so it is never reused). */
  get isPinned(): boolean {
    return this.pinned;
  }

  /** Another tensor shares this storage (a view, an `assign` target). */
  retain(): this {
    this.refs++;
    return this;
  }

  /** Marks the memory as handed out to a user: never reused, left to the garbage collector. */
  pin(): void {
    if (this.backend.readsCopy !== true) this.pinned = true;
  }

  /** The values, synchronously, without pinning (a borrow: valid until the storage is freed). */
  read(dtype: DType, size: number): TypedArray {
    return hostValues(this.backend, this.current, dtype, size);
  }

  /**
   * A copy of the values, read asynchronously where the backend can (`downloadAsync`), else
   * synchronously. The read holds a reference, so the memory is not reused before it completes.
   */
  async readAsync(dtype: DType, size: number): Promise<TypedArray> {
    const backend = this.backend;
    if (backend.downloadAsync === undefined) return this.read(dtype, size).slice();
    this.retain();
    try {
      const values = await backend.downloadAsync(this.current, dtype, size);
      return backend.readsCopy === true ? values : values.slice();
    } finally {
      this.release();
    }
  }

  /** Gives one reference back; the last one frees the storage (unless pinned). Returns whether it freed it. */
  release(): boolean {
    if (this.refs === 0) return false;
    this.refs--;
    if (this.refs > 0) return false;
    const handle = this.current;
    this.current = undefined;
    if (!this.pinned) this.backend.dispose?.(handle);
    return true;
  }
}

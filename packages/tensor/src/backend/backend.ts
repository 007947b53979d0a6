import type { EntryBase } from '@keel/registry';
import type { DType, TypedArray } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/**
 * Where tensor values live. A backend owns its storage: the 'js' backend keeps a typed array,
 * a WebAssembly backend an offset into its linear memory, a GPU backend a buffer. Keel only
 * ever holds the opaque handle and asks the backend to move values in and out.
 */
export interface Backend {
  readonly name: string;
  /** Takes values (the backend may keep the array itself) and returns a handle to its storage. */
  upload(values: TypedArray, dtype: DType): unknown;
  /** The values behind a handle. May return the storage itself: callers must not mutate it. */
  download(handle: unknown, dtype: DType, size: number): TypedArray;
  /**
   * Frees a handle's storage early, and may reuse its memory at once: called exactly once, when
   * no tensor holds the storage and no user holds its values (src/storage.ts states the rule).
   * Backends whose storage the GC owns omit it.
   */
  dispose?(handle: unknown): void;
  /**
   * True when `download` returns a copy, never the storage's own memory (memory that moves, like
   * wasm's, or a GPU's): then handing values out pins nothing. Otherwise `.values` pins the storage.
   */
  readonly readsCopy?: boolean;
}

/** Attributes of a kernel call: axes, flags, sizes. Plain data only. */
export type Attrs = Readonly<Record<string, unknown>>;

/** A kernel computes one op on one backend. It never records gradients; ops do. */
export type KernelFn = (inputs: readonly Tensor[], attrs: Attrs) => Tensor;

/** A registry entry of kind 'kernel': `{ id: op, backend, run }`, stored as `op@backend`. */
export interface KernelEntry extends EntryBase {
  readonly backend: string;
  readonly run: KernelFn;
}

/** A registry entry of kind 'backend' (a kind @keel/tensor declares). */
export interface BackendEntry extends EntryBase {
  readonly description: string;
  /** Higher is preferred by `bestBackend()`; 'js' is 0. */
  readonly priority: number;
  /** Creates the backend, or throws saying why it is unavailable here. */
  readonly create: () => Backend;
}

declare module '@keel/registry' {
  interface KindEntries {
    kernel: KernelEntry;
    backend: BackendEntry;
  }
  interface RegisteredIds {
    'backend:js': true;
  }
}

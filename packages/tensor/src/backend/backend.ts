import type { EntryBase } from '@keel/registry';
import type { DType, TypedArray } from '../dtype.js';
import type { AnyKernel, KernelTable } from '../kernel.js';
import { isOpName, OP_NAMES } from '../op-signatures.js';

/**
 * Where tensor values live and kernels run. A backend owns its storage: the 'js' backend keeps a
 * typed array, a WebAssembly backend a handle into its linear memory, a GPU backend a buffer. Keel
 * only holds the opaque data (`D`) and asks the backend to move values in and out; when memory is
 * freed is decided by the ownership rule (src/storage.ts), never by the backend.
 *
 * Make one with `defineBackend`, which checks it.
 */
export interface Backend<D = unknown> {
  readonly name: string;
  /** The kernels this backend runs itself: any subset of the op table (src/op-signatures.ts). */
  readonly kernels: KernelTable<D>;
  /**
   * The one fallback rule: an op this backend has no kernel for, whose inputs have a dtype it does
   * not take (`dtypes`), or whose kernel returns undefined (a case it leaves out) runs on `fallback`
   * — its inputs read with `download`, its result brought back with `upload`. Null only for a
   * backend with every op ('js').
   */
  readonly fallback: Backend | null;
  /** The input dtypes its kernels take (default: every dtype). */
  readonly dtypes?: readonly DType[];
  /** Takes values (the backend may keep the array itself) and returns its data for them. */
  upload(values: TypedArray, dtype: DType): D;
  /**
   * The values of `data`, synchronously (`.values`, `dataSync()`, kernels of the fallback). May
   * return the storage itself: callers must not mutate it. A backend whose memory the host cannot
   * read on the spot (a GPU) may leave it out and implement `downloadAsync` only.
   */
  download?(data: D, dtype: DType, size: number): TypedArray;
  /**
   * The values of `data` for a reader that can wait (`await t.data()`): what a backend with device
   * memory implements. Without it, `data()` uses `download`. A backend has at least one of the two.
   */
  downloadAsync?(data: D, dtype: DType, size: number): Promise<TypedArray>;
  /**
   * Frees storage early, and may reuse its memory at once: called exactly once, when no tensor
   * holds the storage and no user holds its values (src/storage.ts). Backends whose storage the GC
   * owns omit it.
   */
  dispose?(data: D): void;
  /**
   * True when `download` returns a copy, never the storage's own memory (memory that moves, like
   * wasm's, or a GPU's): then handing values out pins nothing. Otherwise `.values` pins the storage.
   */
  readonly readsCopy?: boolean;
}

/**
 * Checks a backend's definition and returns it: a name, kernels only for ops of the table (a
 * plugin's own op registers its kernel in the registry instead), a fallback backend — or null with
 * a kernel for every op — and the storage methods. Classes may pass an instance.
 */
export function defineBackend<D, B extends Backend<D> = Backend<D>>(definition: B & Backend<D>): B {
  const { name, kernels, fallback } = definition;
  const where = `defineBackend('${String(name)}')`;
  if (typeof name !== 'string' || name === '') throw new TypeError(`defineBackend: name must be a non-empty string, got ${String(name)}`);
  if (typeof definition.upload !== 'function') throw new TypeError(`${where}: upload(values, dtype) is missing`);
  if (typeof definition.download !== 'function' && typeof definition.downloadAsync !== 'function') {
    throw new TypeError(`${where}: neither download(data, dtype, size) nor downloadAsync(data, dtype, size) is given: values could never be read`);
  }
  if (typeof kernels !== 'object' || kernels === null) throw new TypeError(`${where}: kernels must be an object of kernels by op`);
  for (const [op, kernel] of Object.entries(kernels)) {
    if (!isOpName(op)) {
      throw new TypeError(`${where}: kernels.${op} is not an op of the table (src/op-signatures.ts); a plugin's own op registers its kernel as a registry 'kernel' entry`);
    }
    if (typeof kernel !== 'function') throw new TypeError(`${where}: kernels.${op} is not a function`);
  }
  if (fallback === undefined) throw new TypeError(`${where}: fallback is missing (the backend that runs what this one does not, e.g. jsBackend; null if it has every op)`);
  if (fallback === null) {
    const missing = OP_NAMES.filter((op) => kernels[op] === undefined);
    if (missing.length > 0) throw new TypeError(`${where}: no fallback, so it needs a kernel for every op; missing: ${missing.join(', ')}`);
  } else if (fallback === definition) {
    throw new TypeError(`${where}: a backend cannot fall back on itself`);
  }
  return definition;
}

/** A registry entry of kind 'kernel': `{ id: op, backend, run }`, stored as `op@backend`. */
export interface KernelEntry extends EntryBase {
  readonly backend: string;
  readonly run: AnyKernel;
}

/** A backend's kernels as registry entries (what its plugin provides). */
export function kernelEntries(backend: Backend): KernelEntry[] {
  return Object.entries(backend.kernels).map(([id, run]) => ({ id, backend: backend.name, run: run as AnyKernel }));
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
}

import { Tensor, type Backend, type DType, type Shape, type TypedArray } from '@keel/tensor';
import { addonOnce, type NativeAddon } from './addon.js';
import { ArrayPool } from './array-pool.js';
import { unavailableReason } from './availability.js';
import { NativeStorage, storageValues } from './storage.js';
import { getNativeThreads } from './threads.js';

/** The pool keeps at most this many MB of waiting arrays (`KEEL_NATIVE_POOL_MB`, default 512; 0 turns reuse off). */
function poolLimitBytes(): number {
  const setting = process.env.KEEL_NATIVE_POOL_MB;
  const mb = setting === undefined || setting === '' ? 512 : Number(setting);
  if (!Number.isFinite(mb) || mb < 0) throw new RangeError(`KEEL_NATIVE_POOL_MB must be a number of megabytes ≥ 0, got '${setting}'`);
  return mb * 2 ** 20;
}

/**
 * The 'native' backend. A tensor's storage is a typed array whose buffer is native memory the C
 * kernels read and write in place (N-API hands them its address: no copies in or out); 'js'
 * tensors are read in place and 'js' kernels' results are taken over without a copy.
 *
 * Kernel outputs come from an `ArrayPool`. Storage is owned by the garbage collector, as on 'js',
 * unless @keel/tensor's ownership rule frees it (the last tensor over it released, its values never
 * handed out by `.values`): then `dispose` gives its array back to the pool for the next output of
 * that length.
 */
export class NativeBackend implements Backend {
  readonly name = 'native';
  readonly pool = new ArrayPool(poolLimitBytes());

  constructor(readonly addon: NativeAddon) {}

  /**
   * Keeps the array itself — unless the pool made it (a value read from another tensor): then a
   * copy, so one pooled array never backs two storages that are disposed separately.
   */
  upload(values: TypedArray, _dtype: DType): unknown {
    return new NativeStorage(this.pool.owns(values) ? values.slice() : values);
  }

  download(handle: unknown, _dtype: DType, _size: number): TypedArray {
    return storageValues(handle as NativeStorage);
  }

  /** Frees a storage no tensor and no user can reach any more: its array goes back to the pool. */
  dispose(handle: unknown): void {
    const storage = handle as NativeStorage;
    const { values } = storage;
    storage.values = null;
    if (values instanceof Float32Array) this.pool.give(values);
  }

  /**
   * A new float32 tensor of `shape` on this backend and its storage, for a kernel that writes
   * every element: the array is not zeroed first (it comes from the pool or Buffer.allocUnsafe).
   */
  output(shape: Shape): { tensor: Tensor; values: Float32Array } {
    let size = 1;
    for (const dim of shape) size *= dim;
    const values = this.pool.take(size);
    return { tensor: new Tensor(new NativeStorage(values), shape, 'float32', this), values };
  }

  /** A tensor of another backend's making (a 'js' kernel's result) on this one, sharing its array. */
  adopt(t: Tensor): Tensor {
    return t.backend === this ? t : Tensor.fromValues(t.borrowValues(), t.shape, t.dtype, this);
  }
}

let shared: NativeBackend | undefined;

/** The process-wide 'native' backend, created on first use; throws saying why it cannot run here. */
export function nativeBackend(): NativeBackend {
  if (shared === undefined) {
    const { addon } = addonOnce();
    if (addon === undefined) throw new Error(unavailableReason());
    addon.setThreads(getNativeThreads());
    // every op allocates its result: let freed arrays be reused warm instead of refaulted (native/memory.c)
    if (process.env.KEEL_NATIVE_MALLOC !== 'default') addon.tuneMalloc();
    shared = new NativeBackend(addon);
  }
  return shared;
}

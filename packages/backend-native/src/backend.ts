import { defineBackend, jsBackend, type Backend, type DType, type KernelTable, type Shape, type StorageRecord, type TypedArray } from '@keel/tensor';
import { addonOnce, type NativeAddon } from './addon.js';
import { ArrayPool } from './array-pool.js';
import { unavailableReason } from './availability.js';
import { nativeBodies } from './kernels/index.js';
import { bindKernels } from './kernels/kernel.js';
import { getNativeThreads } from './threads.js';

/** The pool keeps at most this many MB of waiting arrays (`KEEL_NATIVE_POOL_MB`, default 512; 0 turns reuse off). */
function poolLimitBytes(): number {
  const setting = process.env.KEEL_NATIVE_POOL_MB;
  const mb = setting === undefined || setting === '' ? 512 : Number(setting);
  if (!Number.isFinite(mb) || mb < 0) throw new RangeError(`KEEL_NATIVE_POOL_MB must be a number of megabytes ≥ 0, got '${setting}'`);
  return mb * 2 ** 20;
}

/**
 * The 'native' backend. A tensor's data is a typed array whose buffer is native memory the C
 * kernels read and write in place (N-API hands them its address: no copies in or out). Float32
 * inputs run in C (`dtypes`); everything else falls back to 'js' by @keel/tensor's one rule, and
 * since both keep plain typed arrays, the 'js' kernels read 'native' data in place and their
 * results are taken over without a copy.
 *
 * Kernel outputs come from an `ArrayPool`. Storage is owned by the garbage collector, as on 'js',
 * unless @keel/tensor's ownership rule frees it (the last tensor over it released, its values never
 * handed out by `.values`): then `dispose` gives its array back to the pool for the next output of
 * that length.
 */
export class NativeBackend implements Backend<TypedArray> {
  readonly name = 'native';
  readonly kernels: KernelTable<TypedArray>;
  readonly fallback = jsBackend;
  readonly dtypes = ['float32'] as const;
  readonly pool = new ArrayPool(poolLimitBytes());

  constructor(readonly addon: NativeAddon) {
    this.kernels = bindKernels(this, nativeBodies);
  }

  /**
   * Keeps the array itself — unless the pool made it (a value read from another tensor): then a
   * copy, so one pooled array never backs two storages that are disposed separately.
   */
  upload(values: TypedArray, _dtype: DType): TypedArray {
    return this.pool.owns(values) ? values.slice() : values;
  }

  download(data: TypedArray, _dtype: DType, _size: number): TypedArray {
    return data;
  }

  /** Frees a storage no tensor and no user can reach any more: its array goes back to the pool. */
  dispose(data: TypedArray): void {
    if (data instanceof Float32Array) this.pool.give(data);
  }

  /**
   * A new float32 output of `shape` on this backend and its array, for a kernel that writes every
   * element: the array is not zeroed first (it comes from the pool or Buffer.allocUnsafe).
   */
  output(shape: Shape): { record: StorageRecord<TypedArray>; values: Float32Array } {
    let size = 1;
    for (const dim of shape) size *= dim;
    const values = this.pool.take(size);
    return { record: { data: values, shape, dtype: 'float32' }, values };
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
    shared = defineBackend<TypedArray, NativeBackend>(new NativeBackend(addon));
  }
  return shared;
}

import { Buffer } from 'node:buffer';
import { Tensor, type Backend, type DType, type Shape, type TypedArray } from '@keel/tensor';
import { addonOnce, type NativeAddon } from './addon.js';
import { unavailableReason } from './availability.js';
import { getNativeThreads } from './threads.js';

/**
 * The 'native' backend. A tensor's storage is a typed array whose buffer is native memory the C
 * kernels read and write in place (N-API hands them its address: no copies in or out). Arrays
 * are owned by the garbage collector, like the 'js' backend's, so nothing needs disposing; 'js'
 * tensors are read in place and 'js' kernels' results are taken over without a copy.
 */
export class NativeBackend implements Backend {
  readonly name = 'native';

  constructor(readonly addon: NativeAddon) {}

  /** Keeps the array itself: it already is native-addressable storage. */
  upload(values: TypedArray, _dtype: DType): unknown {
    return values;
  }

  download(handle: unknown, _dtype: DType, _size: number): TypedArray {
    return handle as TypedArray;
  }

  /**
   * A new float32 tensor of `shape` on this backend and its storage, for a kernel that writes
   * every element. The storage is not zeroed first (as Buffer.allocUnsafe): zeroing fresh memory
   * cost as much as the kernels' own writes, and every kernel overwrites it all anyway.
   */
  output(shape: Shape): { tensor: Tensor; values: Float32Array } {
    let size = 1;
    for (const dim of shape) size *= dim;
    const bytes = Buffer.allocUnsafe(size * 4);
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, size);
    return { tensor: new Tensor(values, shape, 'float32', this), values };
  }

  /** A tensor of another backend's making (a 'js' kernel's result) on this one, sharing its array. */
  adopt(t: Tensor): Tensor {
    return t.backend === this ? t : new Tensor(t.values, t.shape, t.dtype, this);
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

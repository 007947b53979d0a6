import { Buffer } from 'node:buffer';

export interface ArrayPoolStats {
  /** Arrays waiting for reuse, and their bytes. */
  readonly arrays: number;
  readonly bytes: number;
  /** Arrays handed out since the pool was made: reused ones, and new ones taken from malloc. */
  readonly reused: number;
  readonly allocated: number;
}

/**
 * Float32 arrays in native memory, kept by length for reuse. A kernel's output comes from here;
 * when an allocation scope frees a tensor (a training step's intermediates) its array comes back,
 * so a steady-state step takes every output from the pool and malloc, page faults and the
 * garbage collector see none of them. Only arrays the pool made are ever taken back: a user's
 * array passed to `Tensor.fromValues` is never reused behind their back.
 */
export class ArrayPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly made = new WeakSet<Float32Array>();
  private bytes = 0;
  private reused = 0;
  private allocated = 0;

  /** `limitBytes`: beyond this much waiting memory, returned arrays are left to the GC instead. */
  constructor(readonly limitBytes: number) {}

  /** An array of `size` floats with arbitrary contents (the caller writes every element). */
  take(size: number): Float32Array {
    const waiting = this.free.get(size);
    const array = waiting?.pop();
    if (array !== undefined) {
      this.bytes -= array.byteLength;
      this.reused++;
      return array;
    }
    // not zeroed (as Buffer.allocUnsafe): every kernel overwrites its whole output anyway
    const bytes = Buffer.allocUnsafe(size * 4);
    const made = new Float32Array(bytes.buffer, bytes.byteOffset, size);
    this.made.add(made);
    this.allocated++;
    return made;
  }

  /** Whether `array` came from this pool (and so may come back to it). */
  owns(array: unknown): boolean {
    return array instanceof Float32Array && this.made.has(array);
  }

  /** Takes back an array of the pool's making, once its tensor is gone. */
  give(array: Float32Array): void {
    if (!this.made.has(array) || this.bytes + array.byteLength > this.limitBytes) return;
    let waiting = this.free.get(array.length);
    if (waiting === undefined) this.free.set(array.length, (waiting = []));
    waiting.push(array);
    this.bytes += array.byteLength;
  }

  /** Lets the garbage collector have every waiting array. */
  clear(): void {
    this.free.clear();
    this.bytes = 0;
  }

  stats(): ArrayPoolStats {
    let arrays = 0;
    for (const waiting of this.free.values()) arrays += waiting.length;
    return { arrays, bytes: this.bytes, reused: this.reused, allocated: this.allocated };
  }
}

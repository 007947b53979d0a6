import type { DType, TypedArray } from '@keel/tensor';

/**
 * The storage of one tensor (shared by views of it: `reshape`, `detach`). Float32 values are
 * resident — `size` values at byte offset `ptr` of linear memory — or host-side in `host`, or
 * both: storage is immutable once written, so a host copy (the array given to `upload`, or one
 * made by `download`) stays valid, and dropping the resident copy of such a "clean" box costs
 * nothing. Float64 tensors only ever live in `host`.
 */
export class Box {
  /** Byte offset while resident, else -1. */
  ptr = -1;
  /** Size class of the block while resident. */
  cls = -1;
  /** Key of this residency in the heap's table (and the FinalizationRegistry's held value); 0 when not resident. */
  rid = 0;
  /** The kernel call that last used it: blocks in use by the running kernel are never spilled. */
  pin = 0;
  /** Neighbours in its size class's list of resident blocks, oldest first. */
  prev: Box | null = null;
  next: Box | null = null;
  disposed = false;

  constructor(
    readonly size: number,
    readonly dtype: DType,
    /** The values while not resident. */
    public host: TypedArray | null,
  ) {}
}

/**
 * What a tensor holds: a tiny object pointing at its Box. The heap keeps Boxes (so it can spill
 * them) but never handles, so a handle is collected with the last tensor using it, and the
 * FinalizationRegistry then frees its block.
 */
export class WasmHandle {
  constructor(readonly box: Box) {}
}

export interface HeapOptions {
  /**
   * Soft limit on the bytes of linear memory used for tensors (default 256 MiB). Past it, new
   * blocks are made by spilling the oldest resident tensors of the same size class to
   * JavaScript arrays instead of growing memory.
   */
  readonly budgetBytes?: number;
}

export interface MemoryStats {
  /** Size of the WebAssembly memory (it never shrinks). */
  readonly memoryBytes: number;
  /** Bytes carved into blocks so far (in use or on a free list). */
  readonly heapBytes: number;
  /** Bytes of blocks holding resident tensors (or temporaries). */
  readonly residentBytes: number;
  readonly residentTensors: number;
  /** Bytes of blocks on free lists, ready for reuse. */
  readonly freeBytes: number;
  readonly budgetBytes: number;
  /** Blocks freed because their tensors were garbage-collected. */
  readonly finalized: number;
  /** Blocks freed by `dispose()`. */
  readonly disposed: number;
  /** Tensors copied out of linear memory to make room (clean ones are dropped without a copy), and their bytes. */
  readonly spills: number;
  readonly spilledBytes: number;
  /** Host-side tensors copied into linear memory for a kernel. */
  readonly uploads: number;
  /** Tensors not registered with the FinalizationRegistry (a long synchronous loop; see Heap.track). */
  readonly untracked: number;
}

const MIN_BLOCK = 64;
/** FinalizationRegistry registrations per event-loop turn (about 70 bytes each until the turn ends). */
const MAX_TRACKED_PER_TURN = 16384;
const PAGE = 65536;
const MAX_MEMORY = 65536 * PAGE; // 4 GiB, the wasm32 limit

/** Size class of a block of `bytes`: 64 B, then four classes per power of two (≤ 25% waste, 16-byte aligned). */
export function classOf(bytes: number): number {
  if (bytes <= MIN_BLOCK) return 0;
  const e = 31 - Math.clz32(bytes - 1);
  const step = 2 ** (e - 2);
  return (e - 6) * 4 + Math.ceil((bytes - 2 ** e) / step);
}

export function classBytes(cls: number): number {
  if (cls === 0) return MIN_BLOCK;
  const e = 6 + Math.floor((cls - 1) / 4);
  const q = ((cls - 1) % 4) + 1;
  return 2 ** e + q * 2 ** (e - 2);
}

/**
 * Linear memory as a heap of blocks: a bump region carved into size classes, a free list per
 * class (reused last-in first-out, so blocks stay warm in cache), and for each class a list of
 * its resident tensors, oldest first, from which blocks are reclaimed by spilling when the
 * budget is reached. Blocks are freed by `dispose()`, by the FinalizationRegistry when a tensor is
 * garbage-collected, or reclaimed by spilling.
 */
export class Heap {
  private memory: WebAssembly.Memory;
  /** float32 view of the whole memory; replaced whenever memory grows. */
  f32: Float32Array;
  private top: number;
  private readonly start: number;
  private readonly budget: number;
  private readonly free: number[][] = [];
  private readonly oldest: (Box | null)[] = [];
  private readonly newest: (Box | null)[] = [];
  private readonly resident = new Map<number, Box>();
  private nextRid = 1;
  /** The current kernel call (see Box.pin). */
  epoch = 1;
  private readonly registry: FinalizationRegistry<number> | undefined;
  private counts = { finalized: 0, disposed: 0, spills: 0, spilledBytes: 0, uploads: 0, residentBytes: 0, untracked: 0 };
  private trackedThisTurn = 0;

  constructor(memory: WebAssembly.Memory, heapBase: number, options: HeapOptions = {}) {
    this.memory = memory;
    this.f32 = new Float32Array(memory.buffer);
    this.start = Math.ceil(heapBase / MIN_BLOCK) * MIN_BLOCK;
    this.top = this.start;
    this.budget = options.budgetBytes ?? 256 * 2 ** 20;
    this.registry =
      typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((rid) => this.finalize(rid)) : undefined;
  }

  /** A block for a kernel's scratch space that is never freed (the matmul packing buffers). */
  reserve(bytes: number): number {
    const ptr = this.top;
    this.ensure(ptr + Math.ceil(bytes / MIN_BLOCK) * MIN_BLOCK);
    this.top = ptr + Math.ceil(bytes / MIN_BLOCK) * MIN_BLOCK;
    return ptr;
  }

  /** Makes a new resident box of `size` float32 values, pinned to the running kernel. */
  allocate(size: number): Box {
    const box = new Box(size, 'float32', null);
    this.place(box);
    return box;
  }

  /** Copies a host-side box into linear memory (for a kernel that reads it); the host array stays as a clean copy. */
  upload(box: Box): void {
    const host = box.host as TypedArray;
    this.place(box);
    this.f32.set(host, box.ptr >>> 2);
    this.counts.uploads++;
  }

  /**
   * Starts tracking a resident box's handle: when the handle is collected, the block is freed.
   * The registry's cleanup only runs when the event loop turns, and each registration costs a
   * small record until then, so at most `MAX_TRACKED_PER_TURN` are made per turn: a long
   * synchronous loop then relies on spilling alone, and its JavaScript heap stays flat too.
   */
  track(handle: WasmHandle): void {
    if (this.registry === undefined) return;
    if (this.trackedThisTurn >= MAX_TRACKED_PER_TURN) {
      this.counts.untracked++;
      return;
    }
    if (this.trackedThisTurn++ === 0) this.watchTurn();
    this.registry.register(handle, handle.box.rid);
  }

  /** Resets the per-turn count when the event loop turns (a macrotask, as the registry's cleanup needs). */
  private watchTurn(): void {
    const timer = setTimeout(() => {
      this.trackedThisTurn = 0;
    }, 0) as unknown as { unref?: () => void };
    timer.unref?.();
  }

  /** Frees a resident box's block (dispose, temporaries). */
  release(box: Box): void {
    if (box.rid === 0) return;
    this.unlink(box);
    this.free[box.cls].push(box.ptr);
    box.ptr = -1;
    box.rid = 0;
  }

  dispose(handle: WasmHandle): void {
    const box = handle.box;
    if (box.disposed) return;
    if (box.rid !== 0) {
      this.release(box); // its registration, if any, finds nothing to free later
      this.counts.disposed++;
    }
    box.host = null;
    box.disposed = true;
  }

  /** The values of a box: its host copy, else copied out of linear memory and kept as its host copy. */
  read(box: Box): TypedArray {
    if (box.host === null) {
      const at = box.ptr >>> 2;
      box.host = this.f32.slice(at, at + box.size);
    }
    return box.host;
  }

  stats(): MemoryStats {
    let freeBytes = 0;
    this.free.forEach((list, cls) => {
      freeBytes += list.length * classBytes(cls);
    });
    return {
      memoryBytes: this.memory.buffer.byteLength,
      heapBytes: this.top - this.start,
      residentBytes: this.counts.residentBytes,
      residentTensors: this.resident.size,
      freeBytes,
      budgetBytes: this.budget,
      finalized: this.counts.finalized,
      disposed: this.counts.disposed,
      spills: this.counts.spills,
      spilledBytes: this.counts.spilledBytes,
      uploads: this.counts.uploads,
      untracked: this.counts.untracked,
    };
  }

  private finalize(rid: number): void {
    const box = this.resident.get(rid);
    if (box === undefined) return; // spilled or disposed since: nothing of it is in linear memory
    this.release(box);
    this.counts.finalized++;
  }

  /** Gives `box` a block: a free one of its class, new memory within the budget, or a spilled one. */
  private place(box: Box): void {
    const cls = classOf(box.size * 4);
    const bytes = classBytes(cls);
    let ptr = this.free[cls]?.pop();
    if (ptr === undefined) {
      if (this.top + bytes <= this.start + this.budget) {
        ptr = this.bump(bytes);
      } else {
        ptr = this.spillOldest(cls) ?? this.bump(bytes);
      }
    }
    box.ptr = ptr;
    box.cls = cls;
    box.rid = this.nextRid++;
    box.pin = this.epoch;
    this.resident.set(box.rid, box);
    this.counts.residentBytes += bytes;
    // append as the newest of its class
    while (this.oldest.length <= cls) {
      this.oldest.push(null);
      this.newest.push(null);
      this.free.push([]);
    }
    box.prev = this.newest[cls];
    box.next = null;
    if (box.prev === null) this.oldest[cls] = box;
    else box.prev.next = box;
    this.newest[cls] = box;
  }

  private unlink(box: Box): void {
    const cls = box.cls;
    if (box.prev === null) this.oldest[cls] = box.next;
    else box.prev.next = box.next;
    if (box.next === null) this.newest[cls] = box.prev;
    else box.next.prev = box.prev;
    box.prev = box.next = null;
    this.resident.delete(box.rid);
    this.counts.residentBytes -= classBytes(cls);
  }

  /** Moves the oldest unpinned resident tensor of class `cls` to a JavaScript array; returns its block. */
  private spillOldest(cls: number): number | undefined {
    let victim = this.oldest[cls] ?? null;
    while (victim !== null && victim.pin === this.epoch) victim = victim.next;
    if (victim === null) return undefined;
    const ptr = victim.ptr;
    if (victim.host === null) {
      this.read(victim);
      this.counts.spills++;
      this.counts.spilledBytes += victim.size * 4;
    }
    this.unlink(victim);
    victim.ptr = -1;
    victim.rid = 0;
    return ptr;
  }

  private bump(bytes: number): number {
    const ptr = this.top;
    this.ensure(ptr + bytes);
    this.top = ptr + bytes;
    return ptr;
  }

  /** Grows memory to at least `end` bytes (by ≥ 1/4 of its size, to grow rarely). */
  private ensure(end: number): void {
    const current = this.memory.buffer.byteLength;
    if (end <= current) return;
    if (end > MAX_MEMORY) {
      throw new RangeError(`wasm backend: out of memory (${end} bytes needed, WebAssembly memory is limited to 4 GiB); dispose() tensors or use a smaller batch`);
    }
    const wanted = Math.min(MAX_MEMORY, Math.max(end, current + Math.max(current >> 2, 4 * 2 ** 20)));
    try {
      this.memory.grow(Math.ceil((wanted - current) / PAGE));
    } catch {
      try {
        this.memory.grow(Math.ceil((end - current) / PAGE));
      } catch (error) {
        throw new RangeError(`wasm backend: could not grow memory to ${end} bytes (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    this.f32 = new Float32Array(this.memory.buffer);
  }
}

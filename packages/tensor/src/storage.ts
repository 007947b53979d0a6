import type { Backend } from './backend/backend.js';

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
 *    borrow their inputs for the length of the call.
 */
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

import type { Backend } from './backend/backend.js';
import { Tensor } from './tensor.js';

/** Adds the storage handle of every tensor found in `value` (arrays, Maps, Sets, plain objects) to `into`. */
function collectHandles(value: unknown, into: Set<unknown>, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Tensor) {
    into.add(value.handle);
    if (value.grad !== null) collectHandles(value.grad, into, seen);
    return;
  }
  const items = value instanceof Map || value instanceof Set ? value.values() : Array.isArray(value) ? value : Object.values(value);
  for (const item of items) collectHandles(item, into, seen);
}

/**
 * The tensors allocated while a scope is open, freed together when it closes — except the ones it
 * is told to keep and those whose storage moved into a longer-lived tensor (`assign`). This frees a
 * training step's intermediates the moment the step is over instead of whenever the garbage
 * collector runs, so a backend with its own memory (wasm) reuses the same blocks every step.
 *
 * Only backends that can free storage early (`Backend.dispose`) are tracked: on 'js' and 'native'
 * the garbage collector owns storage and a scope costs nothing.
 */
export class AllocationScope {
  private handles: unknown[] = [];
  private backends: Backend[] = [];
  private readonly escaped = new Set<unknown>();
  /** While paused (e.g. across an await) allocations are not tracked: they belong to whoever runs meanwhile. */
  paused = false;
  private open = true;

  constructor(private readonly stack: AllocationScope[]) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Records a new allocation (the Tensor constructor calls it; views of existing storage are not allocations). */
  track(handle: unknown, backend: Backend): void {
    this.handles.push(handle);
    this.backends.push(backend);
  }

  /** Storage that now belongs to a tensor outside the scope (a parameter it was assigned to): never freed here. */
  escape(handle: unknown): void {
    this.escaped.add(handle);
  }

  /**
   * Closes the scope and frees every tensor allocated in it, except those reachable from `keep`
   * (tensors, or arrays / objects / Maps holding them) and escaped storage. Kept tensors move to
   * the enclosing scope, if there is one. Returns how many storages were freed.
   */
  close(keep?: unknown): number {
    if (!this.open) return 0;
    this.detach();
    const kept = new Set<unknown>(this.escaped);
    collectHandles(keep, kept, new Set());
    let freed = 0;
    for (let i = 0; i < this.handles.length; i++) {
      if (kept.has(this.handles[i])) continue;
      this.backends[i].dispose!(this.handles[i]);
      freed++;
    }
    this.handOff((handle) => kept.has(handle) && !this.escaped.has(handle));
    return freed;
  }

  /** Closes the scope without freeing anything (after an error, when a handler may still read the step's tensors). */
  abandon(): void {
    if (!this.open) return;
    this.detach();
    this.handOff((handle) => !this.escaped.has(handle));
  }

  /** Gives the enclosing scope the storage `stays` picks and the escaped handles, then forgets them all. */
  private handOff(stays: (handle: unknown) => boolean): void {
    const parent = this.parent();
    if (parent !== undefined) {
      for (let i = 0; i < this.handles.length; i++) if (stays(this.handles[i])) parent.track(this.handles[i], this.backends[i]);
      for (const handle of this.escaped) parent.escape(handle);
    }
    this.handles = [];
    this.backends = [];
  }

  /** The enclosing scope that inherits what this one keeps: none while it is paused (its owner is awaiting). */
  private parent(): AllocationScope | undefined {
    const parent = this.stack.at(-1);
    return parent === undefined || parent.paused ? undefined : parent;
  }

  private detach(): void {
    this.open = false;
    const index = this.stack.lastIndexOf(this);
    if (index >= 0) this.stack.splice(index, 1);
  }
}

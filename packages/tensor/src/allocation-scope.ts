/** Marks what an allocation scope can own (a Tensor): found by this brand when a scope walks what it keeps. */
export const OWNED = Symbol('keel.owned');

/** A tensor as a scope sees it: its claim on its storage (storage.ts states the rule). */
export interface Owned {
  readonly [OWNED]: true;
  /** The scope that releases it when it closes; null when none does (kept, or made outside any scope). */
  owner: AllocationScope | null;
  /** Whether its storage can be freed early at all (the backend has `dispose`): else scopes ignore it. */
  readonly freesEarly: boolean;
  readonly grad: Owned | null;
  /** Gives its storage reference back (storage.ts, rule 2). */
  dispose(): void;
}

/** The open scopes, innermost last. */
export const openScopes: AllocationScope[] = [];

function isOwned(value: object): value is Owned {
  return (value as Partial<Owned>)[OWNED] === true;
}

/** Adds every tensor found in `value` (arrays, Maps, Sets, plain objects; a tensor's grad) to `into`. */
function collectOwned(value: unknown, into: Set<Owned>, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isOwned(value)) {
    into.add(value);
    if (value.grad !== null) collectOwned(value.grad, into, seen);
    return;
  }
  const items = value instanceof Map || value instanceof Set ? value.values() : Array.isArray(value) ? value : Object.values(value);
  for (const item of items) collectOwned(item, into, seen);
}

/** The tensors found in `value`, as `close(keep)` and `adopt` read it. */
function ownedIn(value: unknown): Set<Owned> {
  const found = new Set<Owned>();
  collectOwned(value, found, new Set());
  return found;
}

/** The innermost open scope that records allocations now (none while it is paused). */
export function recordingScope(): AllocationScope | undefined {
  const scope = openScopes.at(-1);
  return scope === undefined || scope.paused ? undefined : scope;
}

/**
 * Takes tensors out of every allocation scope: no scope releases them, only `dispose()` (or the
 * garbage collector). Parameters and buffers are kept this way when a model is built in a scope.
 */
export function keep<T>(value: T): T {
  for (const t of ownedIn(value)) t.owner = null;
  return value;
}

/**
 * The tensors made while a scope is open, released together when it closes — except the ones it
 * is told to keep. Releasing gives back a tensor's storage reference (storage.ts): storage another
 * tensor still holds (a parameter it was `assign`ed into, a view) stays, and so does memory whose
 * values were handed out. This frees a training step's intermediates the moment the step is over
 * instead of whenever the garbage collector runs, so a backend with its own memory reuses the same
 * blocks every step.
 *
 * Only tensors whose storage can be freed early (`Backend.dispose`) are recorded: on 'js', whose
 * storage the garbage collector owns, a scope costs nothing.
 */
export class AllocationScope {
  private owned: Owned[] = [];
  /** While paused (e.g. across an await) allocations are not recorded: they belong to whoever runs meanwhile. */
  paused = false;
  private open = true;

  get isOpen(): boolean {
    return this.open;
  }

  /** Records a tensor this scope releases when it closes (the Tensor constructor calls it). */
  own(t: Owned): void {
    t.owner = this;
    this.owned.push(t);
  }

  /**
   * Makes this scope the owner of the tensors in `value` (arrays, objects, Maps of them) except
   * those in `except`: closing it releases them unless kept. `fit` hands each step the previous
   * optimizer state this way (never the parameters, even if a state held them).
   */
  adopt(value: unknown, except?: unknown): void {
    const spared = ownedIn(except);
    for (const t of ownedIn(value)) if (t.freesEarly && !spared.has(t)) this.own(t);
  }

  /**
   * Closes the scope and releases every tensor it owns, except those reachable from `keep`
   * (tensors, or arrays / objects / Maps holding them). Kept tensors move to the enclosing scope,
   * if there is one. Returns how many tensors were released.
   */
  close(keep?: unknown): number {
    if (!this.open) return 0;
    this.detach();
    const kept = ownedIn(keep);
    const parent = recordingScope();
    let released = 0;
    for (const t of this.owned) {
      if (t.owner !== this) continue; // kept by `keep()` or owned by another scope since
      if (kept.has(t)) {
        this.handOn(t, parent);
        continue;
      }
      t.owner = null;
      t.dispose();
      released++;
    }
    this.owned = [];
    return released;
  }

  /** Closes the scope without releasing anything (after an error, when a handler may still read the step's tensors). */
  abandon(): void {
    if (!this.open) return;
    this.detach();
    const parent = recordingScope();
    for (const t of this.owned) if (t.owner === this) this.handOn(t, parent);
    this.owned = [];
  }

  private handOn(t: Owned, parent: AllocationScope | undefined): void {
    if (parent === undefined) t.owner = null;
    else parent.own(t);
  }

  private detach(): void {
    this.open = false;
    const index = openScopes.lastIndexOf(this);
    if (index >= 0) openScopes.splice(index, 1);
  }
}

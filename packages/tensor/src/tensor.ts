import { OWNED, recordingScope, type AllocationScope } from './allocation-scope.js';
import type { GradNode } from './autograd/node.js';
import type { Backend } from './backend/backend.js';
import type { DType, TypedArray } from './dtype.js';
import { currentBackend } from './backend/current.js';
import { ShapeError, TensorError } from './errors.js';
import { formatShape, shapesEqual, sizeOf, type Shape } from './shape.js';
import { Storage } from './storage.js';

let nextId = 0;

/** A backward pass from a root tensor (autograd/backward.ts installs it when it loads). */
export type BackwardPass = (root: Tensor, grad: Tensor | undefined, options: { retainGraph?: boolean }) => void;

// Tensor sits below autograd (autograd builds on tensors), so the pass is handed in rather than
// imported: every op that records a graph loads autograd/backward.ts first.
let backwardPass: BackwardPass | undefined;

/** Called once by autograd/backward.ts. */
export function installBackwardPass(pass: BackwardPass): void {
  backwardPass = pass;
}

/** Why a tensor holds no storage: released (dispose, its scope closed) or moved into another tensor (replace). */
function goneMessage(movedInto: string | undefined): string {
  return movedInto === undefined
    ? 'this tensor was disposed (dispose(), or the allocation scope it was made in closed); its values are gone'
    : `this tensor's storage was moved into ${movedInto} (replace); use that tensor instead`;
}

/** Nested arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array of float32 (or float64) values, row-major, on a backend.
 *
 * Tensors are immutable for ops: every op returns a new tensor and never changes its inputs.
 * The exceptions are explicit: `assign` (used by optimizers on parameters) and gradient fields.
 * `reshape` and `detach` share storage with their source, like PyTorch views.
 */
export class Tensor {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** Set on parameters (`dense_1/kernel`) so messages and diagnostics can name them. */
  name: string | undefined;
  /** Whether gradients flow to this tensor. Leaves with it set get `.grad` after `backward()`. */
  requiresGrad = false;
  /**
   * The accumulated gradient. Like PyTorch, `backward()` adds to it: zero it between steps
   * (`zeroGrad()`, or let an optimizer step do it).
   */
  grad: Tensor | null = null;
  /** How this tensor was computed, for autograd; null for leaves and outside gradient recording. */
  node: GradNode | null = null;
  /** The scope that releases this tensor when it closes (allocation-scope.ts); null when none does. */
  owner: AllocationScope | null = null;
  /** Null once released (dispose, scope) or moved out (replace): see storage.ts for the rule. */
  private storage: Storage | null;
  private movedInto: string | undefined;

  /** A tensor over new storage (`handle`, made by `backend`), or over shared `storage` (a view). */
  constructor(handle: unknown, shape: Shape, dtype: DType, backend: Backend);
  constructor(storage: Storage, shape: Shape, dtype: DType);
  constructor(handleOrStorage: unknown, shape: Shape, dtype: DType, backend?: Backend) {
    this.storage = backend === undefined ? (handleOrStorage as Storage) : new Storage(backend, handleOrStorage);
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    if (this.storage.backend.dispose !== undefined) recordingScope()?.own(this);
  }

  /** A tensor of another shape (same size) sharing `source`'s storage: reshape, detach. */
  static view(source: Tensor, shape: Shape = source.shape): Tensor {
    return new Tensor(source.live('view').retain(), shape, source.dtype);
  }

  /** Wraps values (taking ownership of the array) on a backend, the current one by default. */
  static fromValues(values: TypedArray, shape: Shape, dtype: DType, backend: Backend = currentBackend()): Tensor {
    if (values.length !== sizeOf(shape)) {
      throw new ShapeError('tensor', `${values.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} needed)`);
    }
    return new Tensor(backend.upload(values, dtype), shape, dtype, backend);
  }

  declare readonly [OWNED]: true;

  /** Whether this tensor's storage can be freed before the garbage collector gets to it (allocation scopes track it). */
  get freesEarly(): boolean {
    return this.storage !== null && this.storage.backend.dispose !== undefined;
  }

  /** Whether `dispose()` (or a scope, or `replace`) took this tensor's storage away. */
  get isDisposed(): boolean {
    return this.storage === null;
  }

  private live(op: string): Storage {
    if (this.storage === null) throw new TensorError(op, goneMessage(this.movedInto));
    return this.storage;
  }

  get rank(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this.live('backend').backend;
  }

  /** The backend's handle to this tensor's storage (for backend authors); throws once released. */
  get handle(): unknown {
    return this.live('handle').handle;
  }

  /**
   * The values, without a copy where the backend allows it ('js', 'native'): yours to keep,
   * read-only by contract. Handing them out pins the storage (storage.ts, rule 3): no scope,
   * `replace` or pool reuses that memory while you hold the array. Use `data()` for a copy you may change.
   */
  get values(): TypedArray {
    const storage = this.live('values');
    storage.pin();
    return storage.read(this.dtype, this.size);
  }

  /**
   * The values for reading right now, without pinning: valid until this tensor's storage is
   * released (its scope closes, `dispose`, `replace`) — never keep the array. For kernels, metrics
   * and checks that read once; everything else uses `.values` or `data()`.
   */
  borrowValues(): TypedArray {
    return this.live('values').read(this.dtype, this.size);
  }

  /** A copy of the values, synchronously (where the backend reads synchronously: every built-in one does). */
  dataSync(): TypedArray {
    return this.borrowValues().slice();
  }

  /**
   * A copy of the values, when they are ready: the read a backend with device memory (a GPU)
   * implements asynchronously (`Backend.downloadAsync`); elsewhere it is `dataSync()`. The tensor's
   * storage is held until the read completes, so disposing meanwhile cannot hand its memory on.
   */
  data(): Promise<TypedArray> {
    const storage = this.live('data');
    return storage.readAsync(this.dtype, this.size);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', `needs a tensor with one element, got shape ${formatShape(this.shape)}`);
    return this.borrowValues()[0];
  }

  /** The values as nested arrays. */
  toArray(): NestedArray {
    const values = this.borrowValues();
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return values[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** Backpropagates from this tensor (a scalar, or give `grad` of the same shape). */
  backward(grad?: Tensor, options: { retainGraph?: boolean } = {}): void {
    if (backwardPass === undefined) throw new TensorError('backward', "autograd is not loaded: import the ops from '@keel/tensor'");
    backwardPass(this, grad, options);
  }

  /** Marks this tensor as a leaf that receives gradients. */
  requireGrad(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  zeroGrad(): void {
    this.grad = null;
  }

  /** The same values, cut off from the graph (storage is shared). */
  detach(): Tensor {
    return Tensor.view(this);
  }

  /**
   * Replaces this tensor's values with `source`'s, keeping identity (and name, grad flags): this
   * tensor shares `source`'s storage from now on and gives its previous one back (storage.ts).
   * For parameter updates; never call it on a tensor a recorded graph still needs.
   */
  assign(source: Tensor): this {
    if (!shapesEqual(source.shape, this.shape)) {
      throw new ShapeError('assign', `cannot assign shape ${formatShape(source.shape)} to ${this.name ?? 'a tensor'} of shape ${formatShape(this.shape)}`);
    }
    const own = this.live('assign');
    const moved = source.dtype === this.dtype && source.backend === own.backend ? source : source.to(own.backend, this.dtype);
    const incoming = moved.live('assign');
    if (incoming === own) return this;
    this.storage = incoming.retain();
    own.release();
    return this;
  }

  /**
   * `assign` for a value nobody else will use: moves `source`'s storage into this tensor and
   * empties `source` (reading it afterwards throws, naming this tensor). This tensor's previous
   * storage is given back, so a backend reuses it at once unless another tensor shares it or its
   * values were handed out (storage.ts). Optimizer steps use it, so a steady training step
   * allocates no new storage.
   */
  replace(source: Tensor): this {
    if (source === this) return this;
    const own = this.live('replace');
    if (source.dtype !== this.dtype || source.backend !== own.backend) return this.assign(source);
    if (!shapesEqual(source.shape, this.shape)) return this.assign(source); // throws, naming both shapes
    this.storage = source.live('replace');
    source.storage = null;
    source.movedInto = this.name ?? 'another tensor';
    if (this.storage !== own) own.release();
    return this;
  }

  /** A copy on another backend and/or dtype (this tensor if nothing changes). */
  to(backend: Backend, dtype: DType = this.dtype): Tensor {
    if (backend === this.backend && dtype === this.dtype) return this;
    const source = this.borrowValues();
    const values = dtype === 'float64' ? Float64Array.from(source) : Float32Array.from(source);
    return Tensor.fromValues(values, this.shape, dtype, backend);
  }

  /**
   * Gives this tensor's storage back (storage.ts): freed at once when no view or other tensor
   * shares it. Reading the tensor afterwards throws. Harmless twice; on 'js' the memory is the
   * garbage collector's either way.
   */
  dispose(): void {
    const storage = this.storage;
    if (storage === null) return;
    this.storage = null;
    storage.release();
  }

  toString(): string {
    const label = this.name === undefined ? 'Tensor' : `Tensor '${this.name}'`;
    const preview = this.size <= 16 ? ` ${JSON.stringify(this.toArray())}` : '';
    return `${label} ${formatShape(this.shape)} ${this.dtype}${preview}`;
  }
}

// The brand allocation scopes find tensors by (on the prototype: no per-tensor cost).
Object.defineProperty(Tensor.prototype, OWNED, { value: true });


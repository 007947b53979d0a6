import { backward } from './autograd/backward.js';
import type { GradNode } from './autograd/node.js';
import type { Backend } from './backend/backend.js';
import type { DType, TypedArray } from './dtype.js';
import { engine } from './engine.js';
import { ShapeError, TensorError } from './errors.js';
import { formatShape, shapesEqual, sizeOf, type Shape } from './shape.js';

let nextId = 0;
/** Set while a view is constructed: a view shares storage, so it is not a new allocation. */
let constructingView = false;

// What `replace` may free. Only storages of backends that can free early (`dispose`) are tracked.
/** Storages some code outside their tensor can reach: a view shares them, or `.values` handed out the array. */
const exposedStorage = new WeakSet<object>();
/** Storages a tensor took over with `replace`, whose source tensor was emptied: no other Tensor holds them. */
const movedInStorage = new WeakSet<object>();

function markExposed(handle: unknown, backend: Backend): void {
  if (backend.dispose !== undefined && typeof handle === 'object' && handle !== null) exposedStorage.add(handle);
}

/** The backend of a tensor whose storage `replace` moved into another: every read says so. */
function movedBackend(into: string): Backend {
  const fail = (): never => {
    throw new TensorError('values', `this tensor's storage was moved into ${into} (replace); use that tensor instead`);
  };
  return { name: 'moved', upload: fail, download: fail };
}

/**
 * The backend of a tensor disposed on a backend whose storage the GC owns ('js'): nothing is freed,
 * but every read fails as on the backends that free at once ('native', 'wasm'), so code that uses a
 * tensor after `dispose()` breaks on 'js' too, not only on the faster backends.
 */
function disposedBackend(name: string): Backend {
  const fail = (): never => {
    throw new TensorError('values', `this tensor was disposed (dispose() on the '${name}' backend); its values are gone`);
  };
  return { name: 'disposed', upload: fail, download: fail };
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
  private storageHandle: unknown;
  private storageBackend: Backend;

  constructor(handle: unknown, shape: Shape, dtype: DType, backend: Backend) {
    this.storageHandle = handle;
    this.storageBackend = backend;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    if (!constructingView) engine.trackAllocation(handle, backend);
  }

  /** A tensor of another shape (same size) sharing `source`'s storage: reshape, detach. */
  static view(source: Tensor, shape: Shape = source.shape): Tensor {
    markExposed(source.storageHandle, source.storageBackend);
    constructingView = true;
    try {
      return new Tensor(source.storageHandle, shape, source.dtype, source.storageBackend);
    } finally {
      constructingView = false;
    }
  }

  /** Wraps values (taking ownership of the array) on a backend, the current one by default. */
  static fromValues(values: TypedArray, shape: Shape, dtype: DType, backend: Backend = engine.backend): Tensor {
    if (values.length !== sizeOf(shape)) {
      throw new ShapeError('tensor', `${values.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} needed)`);
    }
    return new Tensor(backend.upload(values, dtype), shape, dtype, backend);
  }

  get rank(): number {
    return this.shape.length;
  }

  get backend(): Backend {
    return this.storageBackend;
  }

  /** The backend's handle to this tensor's storage (for backend authors). */
  get handle(): unknown {
    return this.storageHandle;
  }

  /**
   * The values, without a copy where the backend allows it (the 'js' backend does).
   * Read-only by contract: use `data()` for a copy you may change.
   */
  get values(): TypedArray {
    markExposed(this.storageHandle, this.storageBackend);
    return this.storageBackend.download(this.storageHandle, this.dtype, this.size);
  }

  /** A copy of the values. */
  data(): TypedArray {
    return this.values.slice();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError('item', `needs a tensor with one element, got shape ${formatShape(this.shape)}`);
    return this.values[0];
  }

  /** The values as nested arrays. */
  toArray(): NestedArray {
    const values = this.values;
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return values[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /** Backpropagates from this tensor (a scalar, or give `grad` of the same shape). */
  backward(grad?: Tensor, options: { retainGraph?: boolean } = {}): void {
    backward(this, grad, options);
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
   * Replaces this tensor's values with `source`'s, keeping identity (and name, grad flags).
   * For parameter updates; never call it on a tensor a recorded graph still needs.
   */
  assign(source: Tensor): this {
    if (!shapesEqual(source.shape, this.shape)) {
      throw new ShapeError('assign', `cannot assign shape ${formatShape(source.shape)} to ${this.name ?? 'a tensor'} of shape ${formatShape(this.shape)}`);
    }
    const moved = source.dtype === this.dtype && source.backend === this.storageBackend ? source : source.to(this.storageBackend, this.dtype);
    this.storageHandle = moved.storageHandle;
    engine.escapeAllocation(moved.storageHandle);
    return this;
  }

  /**
   * `assign` for a value nobody else will use: moves `source`'s storage into this tensor and
   * empties `source` (reading it afterwards throws). This tensor's previous storage is freed at
   * once (back to the backend's pool) when it too came in by `replace` and was never exposed — no
   * view of it was made and `.values` never handed out its array; otherwise the GC frees it as
   * after `assign`. Optimizer steps use it, so a steady training step allocates no new storage.
   */
  replace(source: Tensor): this {
    if (source === this) return this;
    if (source.dtype !== this.dtype || source.storageBackend !== this.storageBackend) return this.assign(source);
    const previous = this.storageHandle;
    this.assign(source);
    const handle = this.storageHandle;
    source.storageHandle = undefined;
    source.storageBackend = movedBackend(this.name ?? 'another tensor');
    if (typeof handle === 'object' && handle !== null && this.storageBackend.dispose !== undefined) movedInStorage.add(handle);
    if (previous !== handle && typeof previous === 'object' && previous !== null && movedInStorage.has(previous) && !exposedStorage.has(previous)) {
      this.storageBackend.dispose?.(previous);
    }
    return this;
  }

  /** A copy on another backend and/or dtype (this tensor if nothing changes). */
  to(backend: Backend, dtype: DType = this.dtype): Tensor {
    if (backend === this.storageBackend && dtype === this.dtype) return this;
    const source = this.values;
    const values = dtype === 'float64' ? Float64Array.from(source) : Float32Array.from(source);
    return Tensor.fromValues(values, this.shape, dtype, backend);
  }

  /**
   * Frees backend storage early. On the 'js' backend, whose storage the GC owns, nothing is freed,
   * but the tensor is marked: reading it afterwards throws, as it does on every other backend.
   */
  dispose(): void {
    const backend = this.storageBackend;
    if (backend.dispose !== undefined) {
      backend.dispose(this.storageHandle);
      return;
    }
    // a tensor already emptied by `replace` keeps saying where its storage went
    if (backend.name === 'moved' || backend.name === 'disposed') return;
    this.storageHandle = undefined;
    this.storageBackend = disposedBackend(backend.name);
  }

  toString(): string {
    const label = this.name === undefined ? 'Tensor' : `Tensor '${this.name}'`;
    const preview = this.size <= 16 ? ` ${JSON.stringify(this.toArray())}` : '';
    return `${label} ${formatShape(this.shape)} ${this.dtype}${preview}`;
  }
}

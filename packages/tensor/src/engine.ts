import { defaultRegistry, kernelKey, type Registry } from '@keel/registry';
import { openScopes, type AllocationScope } from './allocation-scope.js';
import type { Backend } from './backend/backend.js';
import { currentBackend, setCurrentBackend } from './backend/current.js';
import { TensorError } from './errors.js';
import type { AnyKernel, Attrs, AttrsOf, StorageRecord } from './kernel.js';
import type { OpName } from './op-signatures.js';
import { installTensorPlugin } from './plugin.js';
import { sizeOf } from './shape.js';
import { hostValues, Storage } from './storage.js';
import { Tensor } from './tensor.js';

/** What an op hook sees: used by the diagnostics' trace mode and by numerics guards. */
export interface OpEvent {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The layer scope the op ran in, e.g. 'dense_1' ('' outside any layer). */
  readonly scope: string;
  /** 'forward' while computing values, 'backward' while computing gradients. */
  readonly phase: 'forward' | 'backward';
}

export type OpHook = (event: OpEvent) => void;

export interface ResolvedKernel {
  readonly run: AnyKernel;
  /** The backend the kernel runs on: the current one, or the one it falls back to. */
  readonly backend: string;
}

/** Whether `backend`'s kernels take inputs of these dtypes (Backend.dtypes). */
function takesDtypes(backend: Backend, inputs: readonly Tensor[]): boolean {
  const dtypes = backend.dtypes;
  if (dtypes === undefined) return true;
  for (const t of inputs) if (!dtypes.includes(t.dtype)) return false;
  return true;
}

/**
 * Process-wide state of the tensor library: which registry kernels come from, the current
 * backend, whether gradients are recorded, the layer scope, and op hooks. `run` is where every op
 * meets a kernel: it hands the kernel storage records, applies the one fallback rule
 * (Backend.fallback) and wraps the result in a Tensor.
 */
export class Engine {
  registry: Registry = defaultRegistry;
  gradEnabled = true;
  phase: 'forward' | 'backward' = 'forward';
  readonly hooks: OpHook[] = [];
  /** Open allocation scopes, innermost last (see `tidy`). */
  get allocationScopes(): readonly AllocationScope[] {
    return openScopes;
  }
  private readonly scopes: string[] = [];
  private scopeName = '';
  /** Each backend's kernels by op (undefined: none), from the registry or the backend's own table. */
  private kernels = new Map<Backend, Map<string, AnyKernel | undefined>>();
  private cachedRevision = -1;
  private backendsByName = new Map<string, Backend>();

  /** The current backend: where new tensors live and ops run. */
  get backend(): Backend {
    return currentBackend();
  }

  get scope(): string {
    return this.scopeName;
  }

  pushScope(name: string): void {
    this.scopes.push(name);
    this.scopeName = this.scopes.join('/');
  }

  /** Sets the scope name directly and returns the previous one (backward replays each op's scope). */
  swapScope(name: string): string {
    const previous = this.scopeName;
    this.scopeName = name;
    return previous;
  }

  popScope(): void {
    this.scopes.pop();
    this.scopeName = this.scopes.join('/');
  }

  /**
   * Runs `op` on the current backend. Its kernel gets the inputs as storage records on that backend
   * (inputs on another backend are uploaded for the call and freed after it); where the backend
   * has no kernel for the op, does not take the inputs' dtypes, or its kernel declines (returns
   * undefined), the op runs on its fallback and the result comes back with `upload`.
   */
  run<Op extends OpName>(op: Op, inputs: readonly Tensor[], ...attrs: keyof AttrsOf<Op> extends never ? [attrs?: AttrsOf<Op>] : [attrs: AttrsOf<Op>]): Tensor;
  run<Op extends string>(op: Op extends OpName ? never : Op, inputs: readonly Tensor[], attrs?: Attrs): Tensor;
  run(op: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
    const output = this.dispatch(op, inputs, attrs);
    if (this.hooks.length > 0) {
      const event: OpEvent = { op, inputs, output, scope: this.scopeName, phase: this.phase };
      // A copy: a hook may remove itself (or others) while handling the event.
      for (const hook of [...this.hooks]) hook(event);
    }
    return output;
  }

  private dispatch(op: string, inputs: readonly Tensor[], attrs: Attrs): Tensor {
    const target = this.backend;
    for (let backend: Backend | null = target; backend !== null; backend = backend.fallback) {
      const kernel = this.kernelOn(backend, op);
      if (kernel === undefined || !takesDtypes(backend, inputs)) continue;
      const records: StorageRecord[] = [];
      const temporaries: Storage[] = [];
      let output: StorageRecord | undefined;
      try {
        for (const t of inputs) {
          if (t.backend === backend) {
            records.push({ data: t.handle, shape: t.shape, dtype: t.dtype });
          } else {
            // another backend's tensor: its values uploaded for this call only (storage no tensor holds)
            const temporary = new Storage(backend, backend.upload(t.borrowValues(), t.dtype));
            temporaries.push(temporary);
            records.push({ data: temporary.handle, shape: t.shape, dtype: t.dtype });
          }
        }
        output = kernel(records, attrs);
      } finally {
        for (const temporary of temporaries) if (temporary.handle !== output?.data) temporary.release();
      }
      if (output !== undefined) return this.wrap(output, backend, target, inputs, records);
    }
    throw new TensorError(op, `no kernel '${op}' on backend '${target.name}' or its fallbacks (known ops: ${this.knownOps().join(', ')})`);
  }

  /** The tensor on `target` for a kernel's output made on `backend`. */
  private wrap(output: StorageRecord, backend: Backend, target: Backend, inputs: readonly Tensor[], records: readonly StorageRecord[]): Tensor {
    const aliased = records.findIndex((r) => r.data === output.data);
    if (backend === target) {
      // a kernel that hands back an input's own data makes a view of it, never a second owner
      const input = aliased >= 0 ? inputs[aliased] : undefined;
      if (input !== undefined && input.backend === target && input.dtype === output.dtype) return Tensor.view(input, output.shape);
      return new Tensor(output.data, output.shape, output.dtype, target);
    }
    let values = hostValues(backend, output.data, output.dtype, sizeOf(output.shape));
    if (aliased < 0 && backend.dispose !== undefined) {
      // the fallback's own storage for the result, which no tensor holds, is freed once its values are out
      if (backend.readsCopy !== true) values = values.slice();
      new Storage(backend, output.data).release();
    }
    return new Tensor(target.upload(values, output.dtype), output.shape, output.dtype, target);
  }

  /** The kernel `op` runs with on the current backend: its own, or its fallback's. */
  kernel(op: string): ResolvedKernel {
    for (let backend: Backend | null = this.backend; backend !== null; backend = backend.fallback) {
      const run = this.kernelOn(backend, op);
      if (run !== undefined) return { run, backend: backend.name };
    }
    throw new TensorError(op, `no kernel '${op}' on backend '${this.backend.name}' or its fallbacks (known ops: ${this.knownOps().join(', ')})`);
  }

  /** `backend`'s kernel for `op`: a registry entry `op@backend` (plugins add ops this way), else its own table's. */
  private kernelOn(backend: Backend, op: string): AnyKernel | undefined {
    if (this.cachedRevision !== this.registry.revision) {
      if (!this.registry.has('kernel', 'add@js')) installTensorPlugin(this.registry);
      this.kernels.clear();
      this.cachedRevision = this.registry.revision;
    }
    let table = this.kernels.get(backend);
    if (table === undefined) this.kernels.set(backend, (table = new Map<string, AnyKernel | undefined>()));
    if (table.has(op)) return table.get(op);
    const key = kernelKey(op, backend.name);
    const run = this.registry.has('kernel', key) ? this.registry.resolve('kernel', key).run : (backend.kernels[op as OpName] as AnyKernel | undefined);
    table.set(op, run);
    return run;
  }

  private knownOps(): string[] {
    return this.registry
      .list('kernel')
      .filter((key) => key.endsWith('@js'))
      .map((key) => key.slice(0, -3));
  }

  /** The backend registered under `name`, created once. */
  backendNamed(name: string): Backend {
    if (!this.registry.has('kernel', 'add@js')) installTensorPlugin(this.registry);
    let backend = this.backendsByName.get(name);
    if (backend === undefined) {
      backend = this.registry.resolve('backend', name).create();
      this.backendsByName.set(name, backend);
    }
    return backend;
  }

  setBackend(backend: Backend): void {
    setCurrentBackend(backend);
    this.backendsByName.set(backend.name, backend);
  }

  /** Uses another registry (tests do, to stay isolated). Kernels are looked up anew. */
  setRegistry(registry: Registry): void {
    this.registry = registry;
    this.kernels.clear();
    this.cachedRevision = -1;
    this.backendsByName.clear();
    this.backendsByName.set(this.backend.name, this.backend);
  }
}

export const engine = new Engine();

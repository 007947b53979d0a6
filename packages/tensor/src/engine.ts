import { defaultRegistry, kernelKey, type Registry } from '@keel/registry';
import { openScopes, type AllocationScope } from './allocation-scope.js';
import type { Attrs, Backend, KernelFn } from './backend/backend.js';
import { jsBackend } from './backend/js-backend.js';
import { TensorError } from './errors.js';
import { installTensorPlugin } from './plugin.js';
import type { Tensor } from './tensor.js';

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

interface ResolvedKernel {
  readonly run: KernelFn;
  /** The backend the kernel runs on; differs from the current one when it fell back to 'js'. */
  readonly backend: string;
}

/**
 * Process-wide state of the tensor library: which registry kernels come from, the current
 * backend, whether gradients are recorded, the layer scope, and op hooks.
 */
export class Engine {
  registry: Registry = defaultRegistry;
  backend: Backend = jsBackend;
  gradEnabled = true;
  phase: 'forward' | 'backward' = 'forward';
  readonly hooks: OpHook[] = [];
  /** Open allocation scopes, innermost last (see `tidy`). */
  get allocationScopes(): readonly AllocationScope[] {
    return openScopes;
  }
  private readonly scopes: string[] = [];
  private scopeName = '';
  private kernels = new Map<string, ResolvedKernel>();
  private cachedRevision = -1;
  private backendsByName = new Map<string, Backend>();

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

  /** Runs a kernel of the current backend (or the 'js' one if the backend lacks it). */
  run(op: string, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
    const kernel = this.kernel(op);
    let output = kernel.run(inputs, attrs);
    if (kernel.backend !== this.backend.name) output = output.to(this.backend);
    if (this.hooks.length > 0) {
      const event: OpEvent = { op, inputs, output, scope: this.scopeName, phase: this.phase };
      // A copy: a hook may remove itself (or others) while handling the event.
      for (const hook of [...this.hooks]) hook(event);
    }
    return output;
  }

  kernel(op: string): ResolvedKernel {
    if (this.cachedRevision !== this.registry.revision) {
      if (!this.registry.has('kernel', 'add@js')) installTensorPlugin(this.registry);
      this.kernels.clear();
      this.cachedRevision = this.registry.revision;
    }
    let kernel = this.kernels.get(op);
    if (kernel === undefined) {
      kernel = this.resolveKernel(op);
      this.kernels.set(op, kernel);
    }
    return kernel;
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
    this.backend = backend;
    this.backendsByName.set(backend.name, backend);
    this.kernels.clear();
  }

  /** Uses another registry (tests do, to stay isolated). Kernels are looked up anew. */
  setRegistry(registry: Registry): void {
    this.registry = registry;
    this.kernels.clear();
    this.backendsByName.clear();
    this.backendsByName.set(this.backend.name, this.backend);
  }

  private resolveKernel(op: string): ResolvedKernel {
    const own = kernelKey(op, this.backend.name);
    if (this.registry.has('kernel', own)) {
      return { run: this.registry.resolve('kernel', own).run, backend: this.backend.name };
    }
    const reference = kernelKey(op, 'js');
    if (this.registry.has('kernel', reference)) {
      return { run: this.registry.resolve('kernel', reference).run, backend: 'js' };
    }
    const ops = this.registry
      .list('kernel')
      .filter((key) => key.endsWith('@js'))
      .map((key) => key.slice(0, -3));
    throw new TensorError(op, `no kernel '${op}' is registered for backend '${this.backend.name}' or 'js' (known ops: ${ops.join(', ')})`);
  }
}

export const engine = new Engine();

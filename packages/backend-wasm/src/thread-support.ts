// Where threads can run, and how many to use by default. Node's built-ins are reached without a
// static `node:` import, so browser bundles (Vite) never see one.

/** Most threads a kernel call is split into (the calling thread included). */
export const MAX_THREADS = 64;
/** The default never goes past this many threads: small kernels gain nothing from more. */
const DEFAULT_CAP = 8;

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/** Whether this is Node (or a runtime with Node's built-ins): worker_threads rather than Web Workers. */
export function isNode(): boolean {
  return typeof nodeProcess()?.versions?.node === 'string';
}

/** A Node built-in, synchronously (Node ≥ 20.16 has process.getBuiltinModule), or undefined. */
export function nodeBuiltin<T>(id: 'node:worker_threads' | 'node:os'): T | undefined {
  return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
}

/** A Node built-in, asynchronously (any Node); the specifier is computed so bundlers leave it alone. */
export async function loadNodeBuiltin<T>(id: 'node:worker_threads' | 'node:os'): Promise<T> {
  return (nodeBuiltin<T>(id) ?? (await import(/* @vite-ignore */ id))) as T;
}

/** Why kernels cannot be split across threads here, or undefined if they can. */
export function threadsUnavailableReason(): string | undefined {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) {
    return 'this page is not cross-origin isolated, so SharedArrayBuffer is unavailable (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer and Atomics are not available in this JavaScript engine';
  }
  if (!isNode() && typeof Worker !== 'function') return 'Web Workers are not available here';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this JavaScript engine cannot create a shared WebAssembly memory';
  }
  return undefined;
}

/**
 * The default number of threads: the available cores (os.availableParallelism() in Node,
 * navigator.hardwareConcurrency in browsers), at most 8; 1 where threads cannot run.
 */
export function defaultThreads(): number {
  if (threadsUnavailableReason() !== undefined) return 1;
  const os = isNode() ? nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os') : undefined;
  const cores = os !== undefined ? (os.availableParallelism?.() ?? os.cpus().length) : (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(DEFAULT_CAP, cores ?? 1));
}

/** Checks a requested thread count: a whole number from 1 to MAX_THREADS. */
export function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`wasm backend: threads must be a whole number from 1 to ${MAX_THREADS} (the calling thread included), got ${String(threads)}`);
  }
  return threads;
}

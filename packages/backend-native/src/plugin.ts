import { defaultRegistry, definePlugin, type IdKeys, type Registry } from '@keel/registry';
import { installTensorPlugin, type BackendEntry } from '@keel/tensor';
import { nativeBackend } from './backend.js';
import { setNativeThreads } from './threads.js';
import { PACKAGE_NAME, VERSION } from './version.js';

export interface NativeBackendOptions {
  /** BLAS and loop threads (default: KEEL_NATIVE_THREADS, else one per core); 1 is deterministic. */
  readonly threads?: number;
}

const nativeBackendEntry = {
  id: 'native',
  description: "N-API addon over the system's CBLAS (OpenBLAS): sgemm on the tensors' own buffers, C elementwise kernels, reductions, softmax and the fused training-step kernels; float64 runs on js",
  // above 'wasm' (10): picked by bestBackend() wherever the addon loads
  priority: 20,
  create: () => nativeBackend(),
} as const satisfies BackendEntry;

declare module '@keel/registry' {
  // derived from the entry: its id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'backend', typeof nativeBackendEntry.id> {}
}

/** @keel/backend-native's plugin: the 'native' backend (its kernels come with it: `NativeBackend.kernels`). Installing it registers nothing else. */
export const nativeBackendPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  provides: { backend: [nativeBackendEntry] },
});

/**
 * Installs the 'native' backend into `registry` (idempotent), declaring the 'backend' kind and
 * the 'js' reference first if needed. It is registered even where the addon did not build: then
 * `backendUnavailableReason('native')` says why and `bestBackend()` picks the next backend.
 * Never throws for a missing addon; a bad `threads` option is a RangeError.
 */
export function installNativeBackend(registry: Registry = defaultRegistry, options: NativeBackendOptions = {}): Registry {
  if (options.threads !== undefined) setNativeThreads(options.threads);
  installTensorPlugin(registry);
  if (!registry.has('backend', 'native')) registry.use(nativeBackendPlugin);
  return registry;
}

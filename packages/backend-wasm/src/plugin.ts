import { defaultRegistry, definePlugin, type IdKeys, type Registry } from '@keel/registry';
import { installTensorPlugin, type BackendEntry } from '@keel/tensor';
import { configureWasmBackend, setWasmThreads, wasmBackend, wasmBackendCreated, type WasmBackendOptions, type WasmThreadInfo } from './backend.js';
import { loadKernels } from './module.js';
import { PACKAGE_NAME, VERSION } from './version.js';

const wasmBackendEntry = {
  id: 'wasm',
  description: 'WebAssembly SIMD kernels (AssemblyScript): float32 tensors in linear memory, register-tiled matmul; float64 and other ops run on js',
  priority: 10,
  create: () => wasmBackend(),
} as const satisfies BackendEntry;

declare module '@keel/registry' {
  // derived from the entry: its id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'backend', typeof wasmBackendEntry.id> {}
}

/** @keel/backend-wasm's plugin: the 'wasm' backend (its kernels come with it: `WasmBackend.kernels`). Installing it registers nothing else. */
export const wasmPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  provides: { backend: [wasmBackendEntry] },
});

/**
 * Installs the 'wasm' backend into `registry` (idempotent), declaring the 'backend' kind and the
 * 'js' reference there first if needed. `options` configure the backend before its first use
 * (`threads` also applies later: see `setWasmThreads`). Then `setBackend('wasm')` makes it current.
 */
export function installWasmBackend(registry: Registry = defaultRegistry, options?: WasmBackendOptions): Registry {
  installTensorPlugin(registry);
  if (!registry.has('backend', 'wasm')) registry.use(wasmPlugin);
  if (options !== undefined && !wasmBackendCreated()) configureWasmBackend(options);
  else if (options?.threads !== undefined) setWasmThreads(options.threads);
  return registry;
}

/**
 * Compiles the kernels asynchronously, creates the backend and waits for its worker threads to
 * start. Node compiles on first use anyway (its workers then join within ~50 ms, kernels running
 * single-threaded until they do); browsers refuse to compile modules of this size synchronously on
 * the main thread, and start workers only while the page's event loop runs, so await this before
 * `setBackend('wasm')` there. Rejects saying why the backend cannot run (e.g. no SIMD); a worker
 * that fails to start does not reject it (the backend runs on fewer threads: see `wasmThreads()`).
 */
export async function wasmReady(): Promise<void> {
  await loadKernels();
  await wasmBackend().pool?.whenReady();
}

/** How the backend uses threads: requested, active now, why fewer if so (creates the backend if needed). */
export function wasmThreads(): WasmThreadInfo {
  return wasmBackend().threadInfo();
}

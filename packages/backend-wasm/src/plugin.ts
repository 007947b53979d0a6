import { defaultRegistry, definePlugin, type Registry } from '@keel/registry';
import { installTensorPlugin, type BackendEntry } from '@keel/tensor';
import { configureWasmBackend, wasmBackend, wasmBackendCreated, type WasmBackendOptions } from './backend.js';
import { wasmKernels } from './kernels.js';
import { loadKernels } from './module.js';
import { PACKAGE_NAME, VERSION } from './version.js';

declare module '@keel/registry' {
  interface RegisteredIds {
    'backend:wasm': true;
  }
}

const wasmBackendEntry: BackendEntry = {
  id: 'wasm',
  description: 'WebAssembly SIMD kernels (AssemblyScript): float32 tensors in linear memory, register-tiled matmul; float64 and other ops run on js',
  priority: 10,
  create: () => wasmBackend(),
};

/** @keel/backend-wasm's plugin: the 'wasm' backend and its kernels. Installing it registers nothing else. */
export const wasmPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  provides: { backend: [wasmBackendEntry], kernel: wasmKernels },
});

/**
 * Installs the 'wasm' backend into `registry` (idempotent), declaring the 'backend' kind and the
 * 'js' reference there first if needed. `options` configure the backend before its first use.
 * Then `setBackend('wasm')` makes it current.
 */
export function installWasmBackend(registry: Registry = defaultRegistry, options?: WasmBackendOptions): Registry {
  installTensorPlugin(registry);
  if (!registry.has('backend', 'wasm')) registry.use(wasmPlugin);
  if (options !== undefined && !wasmBackendCreated()) configureWasmBackend(options);
  return registry;
}

/**
 * Compiles the kernels asynchronously. Node compiles them on first use anyway; browsers refuse to
 * compile modules of this size synchronously on the main thread, so await this before
 * `setBackend('wasm')` there. Rejects saying why the backend cannot run (e.g. no SIMD).
 */
export async function wasmReady(): Promise<void> {
  await loadKernels();
}

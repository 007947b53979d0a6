import { defaultRegistry } from '@keel/registry';
import { installWasmBackend, type WasmBackendOptions } from '../src/index.js';

/** Installs the 'wasm' backend into the default registry (options apply before its first use). */
export function install(options?: WasmBackendOptions): void {
  installWasmBackend(defaultRegistry, options);
}

// the same backend-vs-js helpers every backend's tests use (@keel/testkit)
export { compareValues as close, onBackend as on } from '@keel/testkit';

export const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run node with --expose-gc (the vitest config of @keel/backend-wasm sets it)');
  for (let i = 0; i < 3; i++) collect();
};

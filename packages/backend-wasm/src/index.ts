export { wasmPlugin, installWasmBackend, wasmReady } from './plugin.js';
export { WasmBackend, wasmBackend, configureWasmBackend, type WasmBackendOptions } from './backend.js';
export type { MemoryStats } from './memory.js';
export { wasmKernels } from './kernels.js';
export { unavailableReason as wasmUnavailableReason } from './module.js';
export { PACKAGE_NAME, VERSION } from './version.js';

import { wasmBackend } from './backend.js';
import type { MemoryStats } from './memory.js';

/** How the backend's linear memory is used (creates the backend if needed). */
export function wasmMemoryStats(): MemoryStats {
  return wasmBackend().stats();
}

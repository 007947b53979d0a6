export { wasmPlugin, installWasmBackend, wasmReady, wasmThreads } from './plugin.js';
export { WasmBackend, wasmBackend, configureWasmBackend, setWasmThreads, disposeWasmThreads, type WasmBackendOptions, type WasmThreadInfo } from './backend.js';
export { threadsUnavailableReason as wasmThreadsUnavailableReason } from './thread-support.js';
export type { MemoryStats } from './memory.js';
export { wasmOps } from './kernels.js';
export { unavailableReason as wasmUnavailableReason, type LoadedKernels } from './module.js';
export { PACKAGE_NAME, VERSION } from './version.js';

import { wasmBackend } from './backend.js';
import type { MemoryStats } from './memory.js';

/** How the backend's linear memory is used (creates the backend if needed). */
export function wasmMemoryStats(): MemoryStats {
  return wasmBackend().stats();
}

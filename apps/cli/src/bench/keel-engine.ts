// Puts a Keel engine of the benchmark in place: the backend's availability and its thread count.
import { setNativeThreads } from '@keel/backend-native';
import { setWasmThreads, wasmReady } from '@keel/backend-wasm';
import { backendUnavailableReason, listBackends } from '@keel/tensor';
import type { EngineSpec } from './engines.js';

/** Undefined when the engine is ready; otherwise why it cannot run here. */
export async function configureKeelEngine(engine: EngineSpec): Promise<string | undefined> {
  if (!listBackends().includes(engine.backend)) return `backend '${engine.backend}' is not installed (backends: ${listBackends().join(', ')})`;
  const why = backendUnavailableReason(engine.backend);
  if (why !== undefined) return why;
  if (engine.backend === 'wasm') {
    setWasmThreads(engine.threads ?? 1);
    // The workers must be up before the clock starts.
    await wasmReady();
  }
  if (engine.backend === 'native') setNativeThreads(engine.threads ?? 1);
  return undefined;
}

// Puts a Keel engine of the benchmark in place: the backend's availability and its thread count.
import { backendUnavailableReason, listBackends } from '@keel/tensor';
import type { EngineSpec } from './engines.js';

/** Undefined when the engine is ready; otherwise why it cannot run here. */
export function configureKeelEngine(engine: EngineSpec): Promise<string | undefined> {
  if (!listBackends().includes(engine.backend)) return Promise.resolve(`backend '${engine.backend}' is not installed (backends: ${listBackends().join(', ')})`);
  return Promise.resolve(backendUnavailableReason(engine.backend));
}

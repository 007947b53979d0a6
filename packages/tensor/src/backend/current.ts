import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';

// Which backend new tensors live on. Kept apart from the engine so Tensor (which the engine
// builds on) can default to it without importing the engine.
let current: Backend = jsBackend;

/** The current backend ('js' until `setBackend` picks another). */
export function currentBackend(): Backend {
  return current;
}

export function setCurrentBackend(backend: Backend): void {
  current = backend;
}

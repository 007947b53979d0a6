import { engine } from '../engine.js';
import type { Tensor } from '../tensor.js';

/**
 * Whether every value is finite, checked on the tensor's backend (one scalar comes back, not the
 * values): the numerics guard runs it on every gradient of every step.
 */
export function allFinite(x: Tensor): boolean {
  return engine.run('allFinite', [x]).item() === 1;
}

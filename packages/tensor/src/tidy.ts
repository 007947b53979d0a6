import { AllocationScope } from './allocation-scope.js';
import { engine } from './engine.js';

/**
 * Opens an allocation scope: tensors allocated from now on are freed by `scope.close(keep)`.
 * For work that awaits in between, `pause()` the scope across the await (`paused = true/false`).
 */
export function openAllocationScope(): AllocationScope {
  const scope = new AllocationScope(engine.allocationScopes);
  engine.allocationScopes.push(scope);
  return scope;
}

/**
 * Runs `fn` and frees every tensor it allocated except those in its result (a tensor, or arrays /
 * objects / Maps of them) and storage it assigned into longer-lived tensors — like TensorFlow.js's
 * `tf.tidy`. On a backend with its own memory (wasm) a loop of steps then reuses the same blocks
 * instead of waiting for the garbage collector; on 'js' and 'native' it costs nothing.
 *
 * If `fn` throws, nothing is freed (an error handler may still read the tensors). `fn` must be
 * synchronous: use `openAllocationScope` and pause it across awaits.
 */
export function tidy<T>(fn: () => T): T {
  const scope = openAllocationScope();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scope.abandon();
    throw error;
  }
  if (result instanceof Promise) {
    scope.abandon();
    throw new TypeError('tidy: the function returned a Promise; tidy is synchronous (open a scope with openAllocationScope() and pause it across awaits)');
  }
  scope.close(result);
  return result;
}

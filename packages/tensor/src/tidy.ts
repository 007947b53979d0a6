import { AllocationScope, openScopes } from './allocation-scope.js';

/**
 * Opens an allocation scope: tensors allocated from now on are freed by `scope.close(keep)`.
 * For work that awaits in between, `pause()` the scope across the await (`paused = true/false`).
 */
export function openAllocationScope(): AllocationScope {
  const scope = new AllocationScope();
  openScopes.push(scope);
  return scope;
}

/**
 * Runs `fn` and releases every tensor it allocated except those in its result (a tensor, or arrays /
 * objects / Maps of them) — like TensorFlow.js's `tf.tidy`. Storage assigned into longer-lived
 * tensors, shared by views or whose values were handed out stays (src/storage.ts states the rule).
 * On a backend with its own memory (wasm, native's pool) a loop of steps then reuses the same
 * blocks instead of waiting for the garbage collector; on 'js' it costs nothing.
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

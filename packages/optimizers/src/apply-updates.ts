import { add, formatShape, noGrad, shapesEqual, Tensor } from '@keel/tensor';
import type { Params } from './types.js';

/** A value as these messages show it: 'the number 0.5', 'undefined', 'a Tensor [2, 8] float32', 'an object'. */
function describe(value: unknown): string {
  if (value instanceof Tensor) return `a Tensor of shape ${formatShape(value.shape)} (${value.dtype})`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Tensor);
}

/**
 * Checks what an optimizer returned for the parameters (`what`: 'update' from `update()`, 'new
 * value' from `step()`): an object with one Tensor per parameter, none missing and none extra, each
 * of exactly its parameter's shape and dtype. `add` would broadcast a scalar or a row over the whole
 * parameter (every weight moved by the same amount: a silently wrong step), so nothing is left to
 * it. `who` names the optimizer ("optimizer 'acme/signum' (@acme/opt@1.0.0)", or the caller).
 */
export function checkParamValues(who: string, from: string, params: Params, values: unknown, what: 'update' | 'new value'): asserts values is Params {
  const rule = `${from} must return one Tensor per parameter, each of exactly its parameter's shape and dtype`;
  if (!isRecord(values)) throw new TypeError(`${who}: ${from} returned ${what}s that are ${describe(values)}; ${rule}, keyed by parameter name ('dense_1/kernel')`);
  for (const [name, param] of Object.entries(params)) {
    const value = values[name];
    const expected = `${formatShape(param.shape)} (${param.dtype})`;
    if (value === undefined) throw new TypeError(`${who}: ${from} returned no ${what} for parameter '${name}' of shape ${expected}; ${rule}, none missing`);
    if (!(value instanceof Tensor)) throw new TypeError(`${who}: the ${what} for parameter '${name}' is ${describe(value)}; ${rule}: here ${expected}`);
    if (!shapesEqual(value.shape, param.shape)) {
      throw new TypeError(
        `${who}: the ${what} for parameter '${name}' has shape ${formatShape(value.shape)}, but the parameter has shape ${formatShape(param.shape)}; ` +
          `${rule} (it is not broadcast)`,
      );
    }
    if (value.dtype !== param.dtype) {
      throw new TypeError(`${who}: the ${what} for parameter '${name}' is ${value.dtype}, but the parameter is ${param.dtype}; ${rule}: here ${expected}`);
    }
  }
  const article = what === 'update' ? 'an' : 'a';
  for (const name of Object.keys(values)) {
    if (params[name] === undefined) {
      throw new TypeError(`${who}: ${from} returned ${article} ${what} for '${name}', which is not among the parameters (${Object.keys(params).join(', ')}); ${rule}, no extra`);
    }
  }
}

/**
 * p ← p + u for every named parameter, in place, so layers holding the parameter tensors see the
 * new values. The sum's storage moves into the parameter (`replace`), which lets a backend reuse
 * the parameter's previous storage. Runs under `noGrad`: an update is not part of any graph.
 * Each update must be a Tensor of exactly its parameter's shape and dtype (see `checkParamValues`);
 * `who` names the optimizer in the error (default 'applyUpdates').
 */
export function applyUpdates(params: Params, updates: Params, who = 'applyUpdates'): void {
  checkParamValues(who, 'update()', params, updates, 'update');
  noGrad(() => {
    for (const name of Object.keys(params)) params[name].replace(add(params[name], updates[name]));
  });
}

import { add, noGrad } from '@keel/tensor';
import type { Params } from './types.js';

/**
 * p ← p + u for every named parameter, in place (`assign`), so layers holding the parameter
 * tensors see the new values. Runs under `noGrad`: an update is not part of any graph.
 */
export function applyUpdates(params: Params, updates: Params): void {
  for (const name of Object.keys(params)) {
    if (updates[name] === undefined) throw new Error(`applyUpdates: no update for parameter '${name}'`);
  }
  for (const name of Object.keys(updates)) {
    if (params[name] === undefined) throw new Error(`applyUpdates: an update for '${name}', which is not among the parameters`);
  }
  noGrad(() => {
    for (const name of Object.keys(params)) params[name].assign(add(params[name], updates[name]));
  });
}

import { add, noGrad } from '@keel/tensor';
import type { Params } from './types.js';

/** Throws unless `values` has an entry for every parameter and none for anything else; `what` is 'update', 'new value'. */
export function checkSameNames(caller: string, params: Params, values: Params, what: string): void {
  for (const name of Object.keys(params)) {
    if (values[name] === undefined) throw new Error(`${caller}: no ${what} for parameter '${name}'`);
  }
  const article = /^[aeiou]/.test(what) ? 'an' : 'a';
  for (const name of Object.keys(values)) {
    if (params[name] === undefined) throw new Error(`${caller}: ${article} ${what} for '${name}', which is not among the parameters`);
  }
}

/**
 * p ← p + u for every named parameter, in place, so layers holding the parameter tensors see the
 * new values. The sum's storage moves into the parameter (`replace`), which lets a backend reuse
 * the parameter's previous storage. Runs under `noGrad`: an update is not part of any graph.
 */
export function applyUpdates(params: Params, updates: Params): void {
  checkSameNames('applyUpdates', params, updates, 'update');
  noGrad(() => {
    for (const name of Object.keys(params)) params[name].replace(add(params[name], updates[name]));
  });
}

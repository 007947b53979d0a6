import { noGrad } from '@keel/tensor';
import { applyUpdates, checkParamValues } from './apply-updates.js';
import type { GradientTransformation, OptState, Params, UpdateExtras } from './types.js';

/** `update()` and `step()` return `{ updates | params, state }`: anything else is an error naming `who`, not a TypeError deep inside. */
function checkResult(who: string, from: string, result: unknown, key: 'updates' | 'params'): asserts result is { readonly state: OptState } & Record<typeof key, unknown> {
  const shape = `{ ${key}, state } (${key === 'updates' ? 'updates' : 'the new values'}: one Tensor per parameter; state: the next optimizer state)`;
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw new TypeError(`${who}: ${from} returned ${result === null || result === undefined ? String(result) : Array.isArray(result) ? 'an array' : `a ${typeof result}`}; it must return ${shape}`);
  }
  const keys = Object.keys(result);
  const got = `{ ${keys.join(', ')} }`;
  if ((result as Record<string, unknown>)[key] === undefined) throw new TypeError(`${who}: ${from} returned ${got} without ${key}; it must return ${shape}`);
  if ((result as Record<string, unknown>).state === undefined) {
    throw new TypeError(`${who}: ${from} returned ${got} without state; it must return ${shape} (return the state unchanged, or null, when it keeps none)`);
  }
}

/**
 * One optimizer update applied to the parameters in place; returns the next state. Uses the
 * transformation's fused `step` when it has one (every built-in optimizer does), else `update`
 * then `applyUpdates`: the parameters end up with the same values either way. What the
 * transformation returns is checked (one Tensor of each parameter's shape and dtype, and a
 * state); `who` names it in the error ("optimizer 'acme/signum' (@acme/opt@1.0.0)").
 */
export function applyStep<S extends OptState>(transformation: GradientTransformation<S>, grads: Params, state: S, params: Params, extras?: UpdateExtras, who = 'applyStep'): S {
  if (transformation.step === undefined) {
    const result: unknown = transformation.update(grads, state, params, extras);
    checkResult(who, 'update()', result, 'updates');
    applyUpdates(params, result.updates as Params, who);
    return result.state as S;
  }
  const result: unknown = transformation.step(grads, state, params, extras);
  checkResult(who, 'step()', result, 'params');
  const values = result.params;
  checkParamValues(who, 'step()', params, values, 'new value');
  noGrad(() => {
    // the step's new values are moved in (`replace`): the previous storage can be reused at once
    for (const name of Object.keys(params)) params[name].replace(values[name]);
  });
  return result.state as S;
}

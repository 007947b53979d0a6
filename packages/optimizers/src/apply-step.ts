import { noGrad } from '@keel/tensor';
import { applyUpdates, checkSameNames } from './apply-updates.js';
import type { GradientTransformation, OptState, Params, UpdateExtras } from './types.js';

/**
 * One optimizer update applied to the parameters in place; returns the next state. Uses the
 * transformation's fused `step` when it has one (every built-in optimizer does), else `update`
 * then `applyUpdates`: the parameters end up with the same values either way.
 */
export function applyStep<S extends OptState>(transformation: GradientTransformation<S>, grads: Params, state: S, params: Params, extras?: UpdateExtras): S {
  if (transformation.step === undefined) {
    const { updates, state: next } = transformation.update(grads, state, params, extras);
    applyUpdates(params, updates);
    return next;
  }
  const { params: values, state: next } = transformation.step(grads, state, params, extras);
  checkSameNames('applyStep', params, values, 'new value');
  noGrad(() => {
    // the step's new values are moved in (`replace`): the previous storage can be reused at once
    for (const name of Object.keys(params)) params[name].replace(values[name]);
  });
  return next;
}

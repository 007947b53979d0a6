import type { Tensor } from '@keel/tensor';
import { applyStep } from './apply-step.js';
import type { GradientTransformation, OptState, Params, UpdateExtras } from './types.js';

/** The `.grad` of every parameter, after `loss.backward()`. */
export function gradsOf(params: Params): Record<string, Tensor> {
  const grads: Record<string, Tensor> = {};
  for (const name of Object.keys(params)) {
    const grad = params[name].grad;
    if (grad === null) {
      throw new Error(
        `parameter '${name}' has no gradient: the loss does not depend on it, or backward() was not called ` +
          '(leave frozen parameters out of the optimizer)',
      );
    }
    grads[name] = grad;
  }
  return grads;
}

/**
 * One training step after `loss.backward()`: reads the gradients, updates the parameters in
 * place (`applyStep`) and clears the gradients (backward adds to them). Returns the next state.
 */
export function optimizerStep<S extends OptState>(optimizer: GradientTransformation<S>, params: Params, state: S, extras?: UpdateExtras): S {
  const next = applyStep(optimizer, gradsOf(params), state, params, extras);
  for (const name of Object.keys(params)) params[name].zeroGrad();
  return next;
}

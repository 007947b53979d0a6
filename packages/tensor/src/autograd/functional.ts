import { TensorError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { zerosLike } from '../ops/creation.js';
import { enableGrad } from './mode.js';

export interface ValueAndGrad {
  readonly value: Tensor;
  readonly grads: Tensor[];
}

/**
 * `valueAndGrad(f)(...xs)`: f's scalar value and its gradient with respect to each input.
 * Inputs are not modified: f sees detached copies that require gradients.
 */
export function valueAndGrad(f: (...inputs: Tensor[]) => Tensor): (...inputs: Tensor[]) => ValueAndGrad {
  return (...inputs) =>
    enableGrad(() => {
      const leaves = inputs.map((x) => x.detach().requireGrad());
      const value = f(...leaves);
      if (value.size !== 1) throw new TensorError('valueAndGrad', `f must return a scalar, it returned shape [${value.shape.join(', ')}]`);
      if (value.requiresGrad) value.backward();
      return { value: value.detach(), grads: leaves.map((leaf) => leaf.grad ?? zerosLike(leaf)) };
    });
}

/** `grad(f)(...xs)`: the gradient of scalar f with respect to each input (zeros where f ignores it). */
export function grad(f: (...inputs: Tensor[]) => Tensor): (...inputs: Tensor[]) => Tensor[] {
  const both = valueAndGrad(f);
  return (...inputs) => both(...inputs).grads;
}

import type { GradientTransformation } from '../types.js';

/** Passes gradients through unchanged; a placeholder where a transformation is optional. */
export function identity(): GradientTransformation<null> {
  return {
    init: () => null,
    update: (grads, state) => ({ updates: grads, state }),
  };
}

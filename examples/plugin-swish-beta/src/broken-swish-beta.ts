import type { ActivationEntry } from '@keel/activations';
import { add, mul, sigmoid, sub } from '@keel/tensor';
import { swishBeta } from './swish-beta.js';

/**
 * The same activation with the classic slip: the derivative evaluated at the output y instead
 * of the input x (σ(βy) where σ(βx) belongs). It exists so the tests can show the testkit
 * catching it — never register it for real use.
 */
export const brokenSwishBeta: ActivationEntry = {
  ...swishBeta,
  id: 'acme/brokenSwishBeta',
  description: 'swishBeta with its derivative applied to the output instead of the input (deliberately wrong)',
  backward: ({ y, dy }, config) => {
    const beta = Number(config.beta);
    const s = sigmoid(mul(y, beta)); // the bug
    return mul(dy, add(s, mul(mul(y, beta), sub(1, s))));
  },
};

import type { ActivationEntry } from '@keel/activations';
import { varianceGain } from '@keel/activations';
import { declareOption, optionField } from '@keel/registry';
import { add, mul, sigmoid, sub, type Tensor } from '@keel/tensor';

type Config = Readonly<Record<string, number | string | boolean>>;

/** The configured beta: createActivation has checked it against the declaration and filled in the default. */
function betaOf(config: Config): number {
  return config.beta as number;
}

/**
 * swish_β(x) = x · σ(βx). β = 1 is SiLU; large β approaches ReLU; β → 0 approaches x/2.
 *
 * The backward is written against the named values: with s = σ(βx) and y = x·s,
 *   dy/dx = s + βx·s(1 − s) = s + β·y·(1 − s)
 */
export const swishBeta: ActivationEntry = {
  id: 'acme/swishBeta',
  description: 'x · sigmoid(beta · x), beta configurable (default 1)',
  // Declared once: createActivation rejects any other option with a did-you-mean and a beta that
  // is not a number > 0, and fills in the default.
  options: { beta: declareOption(optionField.number((v) => v > 0, '> 0'), 'the slope inside the sigmoid: 1 is SiLU, large values approach relu', 1) },
  forward: (x: Tensor, config: Config) => mul(x, sigmoid(mul(x, betaOf(config)))),
  backward: ({ x, y, dy }, config) => {
    const beta = betaOf(config);
    const s = sigmoid(mul(x, beta));
    return mul(dy, add(s, mul(mul(y, beta), sub(1, s))));
  },
  meta: (config) => {
    const beta = betaOf(config);
    return {
      // √(1/E[f(x)²]) for x ~ N(0, 1), by quadrature: what initializers scale by.
      gain: varianceGain((x) => x / (1 + Math.exp(-beta * x))),
      recommendedInitializer: 'heNormal',
      outputRange: [-0.2785 / beta, Infinity],
      saturation: { below: -8 / beta },
      kinks: [],
    };
  },
};

import type { Activation, ActivationMeta } from '@keel/activations';

/**
 * The gain of an activation, as PyTorch's `calculate_gain` defines it where it does (relu √2,
 * leaky relu √(2/(1+α²)), tanh 5/3, selu 3/4, sigmoid and linear 1), else √(1/E[f(x)²]).
 * Multiply a unit-variance initializer's std by it (`orthogonal` takes it as `gain`).
 */
export function calculateGain(activation: ActivationMeta | Activation): number {
  return activation.gain;
}

/** The initializer id a layer should use by default for weights feeding this activation ('heNormal' for relu). */
export function recommendedInitializerFor(activation: ActivationMeta | Activation): string {
  return activation.recommendedInitializer;
}

// Builds the playground's network from its set-up, through Keel's public API only.
// Importing the id types also brings in the packages' registered ids (module augmentation).
import type { ActivationId } from '@keel/activations';
import type { InitializerId } from '@keel/initializers';
import { Dense, Sequential } from '@keel/layers';
import { defaultRegistry } from '@keel/registry';
import type { PlaygroundConfig } from './config.js';

/** The loss id Keel uses for the chosen loss and number of output units. */
export function lossId(config: PlaygroundConfig, units: number): 'binaryCrossEntropyWithLogits' | 'sparseSoftmaxCrossEntropy' | 'meanSquaredError' {
  if (config.loss === 'meanSquaredError') return 'meanSquaredError';
  return units === 1 ? 'binaryCrossEntropyWithLogits' : 'sparseSoftmaxCrossEntropy';
}

/** The optimizer config `fit` takes. */
export function optimizerConfig(config: PlaygroundConfig): { id: 'sgd' | 'adam' | 'rmsprop'; lr: number; momentum?: number } {
  if (config.optimizer === 'momentum') return { id: 'sgd', lr: config.lr, momentum: 0.9 };
  return { id: config.optimizer, lr: config.lr };
}

/** Hidden layers as configured, then a linear output (logits for the cross-entropies). */
export function buildModel(config: PlaygroundConfig, outputUnits: number): Sequential {
  const init = config.init === 'default' ? {} : { kernelInitializer: config.init satisfies InitializerId };
  const layers = config.layers.map((l) => new Dense({ units: l.units, activation: l.activation satisfies ActivationId, ...init }));
  layers.push(new Dense({ units: outputUnits, ...init }));
  return new Sequential(layers, { inputShape: [2], seed: config.seed, registry: defaultRegistry, name: 'playground' }).build();
}

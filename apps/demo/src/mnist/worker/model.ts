// The MNIST network: an MLP of ReLU layers and a linear output (logits), built from the form's
// set-up with the injected bugs applied.
import { Dense, Sequential } from '@keel/layers';
import { defaultRegistry } from '@keel/registry';
import type { TrainConfig } from '../protocol.js';
import type { EffectiveSetup } from '../setup.js';
import type { ModelInfo } from '../protocol.js';

export function buildModel(config: TrainConfig, setup: EffectiveSetup): Sequential {
  const init = setup.kernelInitializer === undefined ? {} : { kernelInitializer: setup.kernelInitializer };
  const layers = config.hidden.map((units) => new Dense({ units, activation: 'relu', ...init }));
  layers.push(new Dense({ units: 10, ...init }));
  return new Sequential(layers, { inputShape: [784], seed: config.seed, registry: defaultRegistry, name: 'mnist-mlp' }).build();
}

export function modelInfo(model: Sequential, pixelScale: number, source: string): ModelInfo {
  const { trainable, nonTrainable } = model.countParams();
  return { summary: model.summary(), parameters: trainable + nonTrainable, pixelScale, source };
}

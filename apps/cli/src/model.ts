// The architectures `keel train` builds: an MLP, or a small convnet for images.
import type { InitializerConfig } from '@keel/initializers';
import { Conv2D, Dense, Flatten, MaxPool2D, Sequential, type ActivationSpec, type InitializerSpec, type Layer } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { parseIdSpec, type IdSpec } from './id-spec.js';

export type Architecture = 'mlp' | 'cnn';

export interface ModelSpec {
  readonly architecture: Architecture;
  /** Hidden units per Dense layer (mlp) or filters per conv block (cnn). */
  readonly layers: readonly number[];
  /** cnn: hidden Dense layers between the conv blocks and the output. */
  readonly dense?: readonly number[];
  readonly activation: string;
  /** The activation's settings (`--activation leakyRelu:alpha=0.2`). */
  readonly activationOptions?: Readonly<Record<string, number | boolean | string>>;
  /** The kernel initializer; the activation's recommended one when left out. */
  readonly init?: string;
  readonly inputShape: readonly number[];
  readonly outputUnits: number;
  readonly outputActivation: string;
  readonly seed: number;
  readonly registry: Registry;
}

// Ids come from the command line or a saved run as strings, checked against the registry there:
// `registry.idOf` checks them again (throwing as resolving them would) and types them for the layers.

/** The activation as a layer option: the bare id, or `{ id, ...settings }`. */
function activationSpec(registry: Registry, { id, config }: IdSpec): ActivationSpec {
  const checked = registry.idOf('activation', id);
  return Object.keys(config).length === 0 ? checked : { id: checked, ...config };
}

/** The kernel initializer as a layer option; its settings were checked against the options it declares (numbers and strings). */
function initializerSpec(registry: Registry, { id, config }: IdSpec): InitializerSpec {
  const checked = registry.idOf('initializer', id);
  return Object.keys(config).length === 0 ? checked : { id: checked, ...(config as InitializerConfig) };
}

export function buildModel(spec: ModelSpec): Sequential {
  const activation = activationSpec(spec.registry, { id: spec.activation, config: spec.activationOptions ?? {} });
  const init = spec.init === undefined ? {} : { kernelInitializer: initializerSpec(spec.registry, parseIdSpec(spec.init, 'init')) };
  const layers: Layer[] = [];
  if (spec.architecture === 'cnn') {
    // Each block: a 3x3 'same' convolution, then 2x2 max pooling (28x28 -> 14x14 -> 7x7).
    for (const filters of spec.layers) {
      layers.push(new Conv2D({ filters, kernelSize: 3, padding: 'same', activation, ...init }));
      layers.push(new MaxPool2D({ poolSize: 2 }));
    }
    layers.push(new Flatten());
    for (const units of spec.dense ?? []) layers.push(new Dense({ units, activation, ...init }));
  } else {
    if (spec.inputShape.length > 1) layers.push(new Flatten());
    for (const units of spec.layers) layers.push(new Dense({ units, activation, ...init }));
  }
  layers.push(new Dense({ units: spec.outputUnits, activation: spec.registry.idOf('activation', spec.outputActivation) }));
  return new Sequential(layers, { inputShape: spec.inputShape, seed: spec.seed, registry: spec.registry, name: spec.architecture }).build();
}

export function parameterCount(model: Sequential): number {
  const { trainable, nonTrainable } = model.countParams();
  return trainable + nonTrainable;
}

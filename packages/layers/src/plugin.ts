import { installActivations } from '@keel/activations';
import { installInitializers } from '@keel/initializers';
import { definePlugin, defaultRegistry, type IdKeys, type IdsOf, type OptionFields, type Registry } from '@keel/registry';
import { ACTIVATION_LAYER_FIELDS, ActivationLayer, type ActivationLayerOptions } from './activation-layer.js';
import { AvgPool2D, Conv2D, CONV2D_FIELDS, MaxPool2D, POOL2D_FIELDS, type Conv2DOptions } from './conv.js';
import { Dense, DENSE_FIELDS, type DenseOptions } from './dense.js';
import { Dropout, DROPOUT_FIELDS, type DropoutOptions } from './dropout.js';
import { LAYER_FIELDS } from './fields.js';
import type { LayerConfig } from './layer.js';
import type { LayerEntry } from './layer-entry.js';
import { BATCH_NORM_FIELDS, BatchNorm, LAYER_NORM_FIELDS, LayerNorm } from './normalization.js';
import { Flatten, Reshape, RESHAPE_FIELDS, type ReshapeOptions } from './shape-layers.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** A layer type's own options and what every layer takes (name, inputShape): what its constructor checks. */
const withCommon = (fields: OptionFields): OptionFields => ({ ...LAYER_FIELDS, ...fields });

// A config may come from an edited file: each constructor checks it against the layer's declared
// fields (unknown option, wrong type, out of range) before using it, so the casts below are safe.
// The ids stay literal types: `BuiltinLayerId` and the `RegisteredIds` keys are derived from them.
const entries = [
  { id: 'dense', description: 'fully connected: activation(x·W + b)', options: withCommon(DENSE_FIELDS), create: (c: LayerConfig) => new Dense(c as unknown as DenseOptions) },
  { id: 'activation', description: 'an activation on its own', options: withCommon(ACTIVATION_LAYER_FIELDS), create: (c) => new ActivationLayer(c as unknown as ActivationLayerOptions) },
  { id: 'dropout', description: 'inverted dropout (training only)', options: withCommon(DROPOUT_FIELDS), create: (c) => new Dropout(c as unknown as DropoutOptions) },
  { id: 'batchNorm', description: 'batch normalisation over the last axis', options: withCommon(BATCH_NORM_FIELDS), create: (c) => new BatchNorm(c) },
  { id: 'layerNorm', description: 'layer normalisation over the last axis', options: withCommon(LAYER_NORM_FIELDS), create: (c) => new LayerNorm(c) },
  { id: 'flatten', description: 'flattens each example', options: withCommon({}), create: (c) => new Flatten(c) },
  { id: 'reshape', description: 'reshapes each example', options: withCommon(RESHAPE_FIELDS), create: (c) => new Reshape(c as unknown as ReshapeOptions) },
  { id: 'conv2d', description: '2-D convolution over NHWC images', options: withCommon(CONV2D_FIELDS), create: (c) => new Conv2D(c as unknown as Conv2DOptions) },
  { id: 'maxPool2d', description: '2-D max pooling over NHWC images', options: withCommon(POOL2D_FIELDS), create: (c) => new MaxPool2D(c) },
  { id: 'avgPool2d', description: '2-D average pooling over NHWC images', options: withCommon(POOL2D_FIELDS), create: (c) => new AvgPool2D(c) },
] as const satisfies readonly LayerEntry[];

/** The ids of Keel's layer types: `'dense' | 'conv2d' | ...`. */
export type BuiltinLayerId = IdsOf<typeof entries>;

declare module '@keel/registry' {
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'layer', BuiltinLayerId> {}
}

/** @keel/layers' plugin: every built-in layer type. */
export const layersPlugin = definePlugin({ name: PACKAGE_NAME, version: VERSION, provides: { layer: entries } });

/** Installs the built-in activations, initializers and layers into a registry (idempotent). */
export function installLayers(registry: Registry = defaultRegistry): void {
  installActivations(registry);
  installInitializers(registry);
  registry.use(layersPlugin);
}

import { checkProvenance, nearestId, OptionsError, ProvenanceError, type Registry } from '@keel/registry';
import type { ConfigValue, LayerConfig } from './layer.js';
import { installLayers } from './plugin.js';
import { Sequential } from './sequential.js';

/** One plugin entry a saved model needs, with the plugin that provided it. */
export interface RequiredPlugin {
  readonly kind: string;
  readonly id: string;
  readonly plugin: string;
  readonly version: string;
}

/** A model's architecture as JSON: layer types by plugin id, their configs, and what they need. */
export interface ModelConfig {
  readonly format: 'keel.sequential';
  readonly formatVersion: 1;
  readonly name: string;
  readonly seed: number;
  readonly inputShape: readonly number[] | null;
  readonly requires: readonly RequiredPlugin[];
  readonly layers: readonly { readonly type: string; readonly name: string; readonly config: LayerConfig }[];
}

export class ModelConfigError extends Error {
  /** The layer at fault, when one is: its index in `layers` and its name. */
  readonly layer: { readonly index: number; readonly name: string } | undefined;
  /** The option at fault, when one is. */
  readonly option: string | undefined;

  constructor(message: string, options?: ErrorOptions & { layer?: { index: number; name: string }; option?: string }) {
    super(message, options);
    this.name = 'ModelConfigError';
    this.layer = options?.layer;
    this.option = options?.option;
  }
}

/** `model.layers[1] (dense_1)`: how messages name a layer of a config. */
export function layerLabel(index: number, name: string): string {
  return `model.layers[${index}] (${name})`;
}

/** The message of an error about one layer, without the layer's own name in front. */
function problemOf(error: unknown, name: string): string {
  if (error instanceof OptionsError) return error.problem;
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
}

/** Runs `fn` for one layer of a config, naming the layer (index and name) in any error. */
function forLayer<T>(index: number, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const option = error instanceof OptionsError ? error.option : undefined;
    throw new ModelConfigError(`${layerLabel(index, name)}: ${problemOf(error, name)}`, { cause: error, layer: { index, name }, ...(option === undefined ? {} : { option }) });
  }
}

/** The model's config; every layer type, activation and initializer is recorded with its plugin and version. */
export function modelConfig(model: Sequential): ModelConfig {
  installLayers(model.registry);
  const seen = new Set<string>();
  const requires: RequiredPlugin[] = [];
  const need = (kind: 'layer' | 'activation' | 'initializer', id: string): void => {
    const key = `${kind}:${id}`;
    if (seen.has(key)) return;
    seen.add(key);
    const { plugin } = model.registry.describe(kind, id);
    requires.push({ kind, id, plugin: plugin.name, version: plugin.version });
  };
  for (const layer of model.layers) {
    need('layer', layer.type);
    for (const dependency of layer.dependencies()) need(dependency.kind, dependency.id);
  }
  return {
    format: 'keel.sequential',
    formatVersion: 1,
    name: model.name,
    seed: model.seed,
    inputShape: model.inputShape === undefined ? null : [...model.inputShape],
    requires,
    layers: model.layers.map((layer) => ({ type: layer.type, name: layer.name ?? layer.type, config: layer.config() })),
  };
}

/** How `modelFromConfig` treats the plugins a config records. */
export interface FromConfigOptions {
  /**
   * Build even when an id is provided by another package, or an incompatible version, than the
   * model was saved with (default false: a ProvenanceError from @keel/registry).
   */
  readonly ignoreProvenance?: boolean;
  /** Told each id that loads with a newer compatible version than it was saved with, and each mismatch ignored. */
  readonly onNote?: (note: string) => void;
}

/**
 * Rebuilds a model from its config (weights are loaded separately). A plugin the model needs but
 * that is not installed is named with the package and version to install; an id now provided by
 * another package, or an incompatible version, is a ProvenanceError (see `FromConfigOptions`).
 */
export function modelFromConfig(config: ModelConfig, registry: Registry, options: FromConfigOptions = {}): Sequential {
  if (config.format !== 'keel.sequential') {
    throw new ModelConfigError(`not a Keel model config: format is '${String(config.format)}', expected 'keel.sequential'`);
  }
  if (config.formatVersion !== 1) {
    throw new ModelConfigError(`model config format version ${String(config.formatVersion)} is newer than this @keel/layers understands (1)`);
  }
  installLayers(registry);
  const missing = config.requires.filter((r) => !registry.has(r.kind, r.id));
  if (missing.length > 0) {
    const list = missing.map((r) => `${r.kind} '${r.id}' from ${r.plugin}@${r.version}`).join(', ');
    throw new ModelConfigError(`this model needs plugins that are not installed: ${list}. Install the package(s) and registry.use() their plugin.`);
  }
  try {
    for (const note of checkProvenance(config.requires, registry)) options.onNote?.(note);
  } catch (error) {
    if (!(error instanceof ProvenanceError && options.ignoreProvenance === true)) throw error;
    for (const problem of error.problems) options.onNote?.(`${problem} (ignored as asked)`);
  }
  const model = new Sequential([], { name: config.name, seed: config.seed, registry, ...(config.inputShape === null ? {} : { inputShape: config.inputShape }) });
  config.layers.forEach((layer, index) =>
    forLayer(index, layer.name, () => {
      if (!registry.has('layer', layer.type)) {
        const near = nearestId(layer.type, registry.list('layer'));
        throw new Error(`type '${layer.type}' is not a registered layer type${near === undefined ? '' : `; did you mean '${near}'?`} (registered: ${registry.list('layer').join(', ')})`);
      }
      const created = registry.resolve('layer', layer.type).create(layer.config);
      created.checkReferences(registry);
      created.rename(layer.name);
      model.add(created);
    }),
  );
  return model;
}

export type { ConfigValue };

/** One layer's weights as `build` would create them: full name to shape; undefined when the layer cannot tell. */
export interface PlannedLayer {
  readonly index: number;
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly weights: ReadonlyMap<string, readonly number[]> | undefined;
}

/**
 * Every layer's parameter and buffer shapes for the model's input shape, computed from the layers'
 * configs without allocating anything (so a saved config can be checked against its weights file
 * before it is built). Throws naming the layer when an input shape does not fit it.
 */
export function planWeights(model: Sequential): PlannedLayer[] {
  let shape = model.inputShape;
  if (shape === undefined) throw new ModelConfigError(`${model.name}: the input shape is unknown, so its weights cannot be planned`);
  return model.layers.map((layer, index) => {
    const name = layer.name ?? layer.type;
    const inputShape = shape!;
    return forLayer(index, name, () => {
      const local = layer.weightShapes(inputShape);
      shape = layer.outputShape(inputShape);
      const weights = local === undefined ? undefined : new Map(Object.entries(local).map(([key, dims]) => [`${name}/${key}`, dims]));
      return { index, name, inputShape, weights };
    });
  });
}

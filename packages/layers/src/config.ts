import type { Registry } from '@keel/registry';
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
  constructor(message: string) {
    super(message);
    this.name = 'ModelConfigError';
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

/**
 * Rebuilds a model from its config (weights are loaded separately). A plugin the model needs but
 * that is not installed is named with the package and version to install.
 */
export function modelFromConfig(config: ModelConfig, registry: Registry): Sequential {
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
  const model = new Sequential([], { name: config.name, seed: config.seed, registry, ...(config.inputShape === null ? {} : { inputShape: config.inputShape }) });
  for (const layer of config.layers) {
    const created = registry.resolve('layer', layer.type).create(layer.config);
    created.rename(layer.name);
    model.add(created);
  }
  return model;
}

export type { ConfigValue };

import { installLayers } from '@keel/layers';
import { installLosses } from '@keel/losses';
import { installOptimizers } from '@keel/optimizers';
import { Registry, type Plugin } from '@keel/registry';

/**
 * A registry holding Keel's built-in activations, initializers, layers, losses and optimizers
 * plus the plugin under test (installed with `override: true`, so it may replace a built-in).
 */
export function registryWith(plugin?: Plugin): Registry {
  const registry = new Registry({ name: 'testkit registry' });
  installLayers(registry);
  installLosses(registry);
  installOptimizers(registry);
  if (plugin !== undefined) registry.use(plugin, { override: true });
  return registry;
}

/** Where a check finds the entry under test: a registry of your own, or Keel's built-ins plus a plugin. */
export interface EntrySource {
  /** The plugin providing the entry (installed into a registry of Keel's built-ins). */
  plugin?: Plugin;
  /** A registry to look the entry up in instead (the plugin is then ignored). */
  registry?: Registry;
}

/** The registry a check runs in. */
export function registryOf(source: EntrySource): Registry {
  return source.registry ?? registryWith(source.plugin);
}

import { defaultRegistry, definePlugin, type IdKeys, type Registry } from '@keel/registry';
import { builtinInitializers, type BuiltinInitializerId } from './entries.js';
import type { InitializerEntry } from './initializer.js';
import { PACKAGE_NAME, VERSION } from './version.js';

declare module '@keel/registry' {
  interface KindEntries {
    initializer: InitializerEntry;
  }
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'initializer', BuiltinInitializerId> {}
}

/**
 * Keel's built-in initializers, for `registry.use(initializersPlugin)`. Importing this package
 * registers nothing: call `installInitializers(registry)` (or `use` the plugin) yourself.
 */
export const initializersPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  description: 'zeros, ones, constant, uniform, normal, truncatedNormal, Glorot / He / LeCun (Keras variance scaling), orthogonal, varianceScaling',
  provides: { initializer: builtinInitializers },
});

/** Installs the built-in initializers into `registry` (the default one unless given); idempotent. Returns the registry. */
export function installInitializers(registry: Registry = defaultRegistry): Registry {
  registry.use(initializersPlugin);
  return registry;
}

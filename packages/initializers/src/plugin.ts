import { defaultRegistry, definePlugin, type Registry } from '@keel/registry';
import { builtinInitializers } from './entries.js';
import type { InitializerEntry } from './initializer.js';
import { PACKAGE_NAME, VERSION } from './version.js';

declare module '@keel/registry' {
  interface KindEntries {
    initializer: InitializerEntry;
  }
  interface RegisteredIds {
    'initializer:zeros': true;
    'initializer:ones': true;
    'initializer:constant': true;
    'initializer:uniform': true;
    'initializer:normal': true;
    'initializer:truncatedNormal': true;
    'initializer:glorotUniform': true;
    'initializer:glorotNormal': true;
    'initializer:heUniform': true;
    'initializer:heNormal': true;
    'initializer:lecunUniform': true;
    'initializer:lecunNormal': true;
    'initializer:orthogonal': true;
    'initializer:varianceScaling': true;
  }
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

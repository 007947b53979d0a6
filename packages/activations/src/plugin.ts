import { defaultRegistry, definePlugin, type IdKeys, type Registry } from '@keel/registry';
import type { ActivationEntry } from './activation.js';
import { builtinActivations, type BuiltinActivationId } from './entries.js';
import { PACKAGE_NAME, VERSION } from './version.js';

declare module '@keel/registry' {
  interface KindEntries {
    activation: ActivationEntry;
  }
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'activation', BuiltinActivationId> {}
}

/**
 * Keel's built-in activations, for `registry.use(activationsPlugin)`. Importing this package
 * registers nothing: call `installActivations(registry)` (or `use` the plugin) yourself.
 */
export const activationsPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  description: 'relu, leakyRelu, elu, selu, gelu, swish, silu, mish, softplus, sigmoid, hardSigmoid, tanh, softsign, softmax, logSoftmax, linear',
  provides: { activation: builtinActivations },
});

/** Installs the built-in activations into `registry` (the default one unless given); idempotent. Returns the registry. */
export function installActivations(registry: Registry = defaultRegistry): Registry {
  registry.use(activationsPlugin);
  return registry;
}

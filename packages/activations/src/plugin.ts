import { defaultRegistry, definePlugin, type Registry } from '@keel/registry';
import type { ActivationEntry } from './activation.js';
import { builtinActivations } from './entries.js';
import { PACKAGE_NAME, VERSION } from './version.js';

declare module '@keel/registry' {
  interface KindEntries {
    activation: ActivationEntry;
  }
  interface RegisteredIds {
    'activation:relu': true;
    'activation:leakyRelu': true;
    'activation:elu': true;
    'activation:selu': true;
    'activation:gelu': true;
    'activation:swish': true;
    'activation:silu': true;
    'activation:mish': true;
    'activation:softplus': true;
    'activation:sigmoid': true;
    'activation:hardSigmoid': true;
    'activation:tanh': true;
    'activation:softsign': true;
    'activation:softmax': true;
    'activation:logSoftmax': true;
    'activation:linear': true;
  }
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

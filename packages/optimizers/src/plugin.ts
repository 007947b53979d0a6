import { defaultRegistry, definePlugin, type IdKeys, type IdsOf, type Registry } from '@keel/registry';
import { adagrad } from './optimizers/adagrad.js';
import { adam } from './optimizers/adam.js';
import { adamax } from './optimizers/adamax.js';
import { adamw } from './optimizers/adamw.js';
import { lion } from './optimizers/lion.js';
import { rmsprop } from './optimizers/rmsprop.js';
import { sgd } from './optimizers/sgd.js';
import { declaredLearningRate, optimizerOptions } from './options.js';
import type { OptimizerSpec } from './spec.js';
import { PACKAGE_NAME, VERSION } from './version.js';

// Config objects come from JSON or a CLI, so their values are unchecked: each factory checks
// every option it reads and names the one that is wrong. The ids stay literal types:
// `BuiltinOptimizerId` and the `RegisteredIds` keys are derived from this list.
export const optimizerSpecs = [
  { id: 'sgd', options: optimizerOptions.sgd, defaultLearningRate: declaredLearningRate(optimizerOptions.sgd), description: 'SGD with optional (Nesterov) momentum', create: (c = {}) => sgd(c) },
  { id: 'adam', options: optimizerOptions.adam, defaultLearningRate: declaredLearningRate(optimizerOptions.adam), description: 'Adam with bias correction', create: (c = {}) => adam(c) },
  { id: 'adamw', options: optimizerOptions.adamw, defaultLearningRate: declaredLearningRate(optimizerOptions.adamw), description: 'Adam with decoupled weight decay', create: (c = {}) => adamw(c) },
  { id: 'rmsprop', options: optimizerOptions.rmsprop, defaultLearningRate: declaredLearningRate(optimizerOptions.rmsprop), description: 'RMSprop', create: (c = {}) => rmsprop(c) },
  { id: 'adagrad', options: optimizerOptions.adagrad, defaultLearningRate: declaredLearningRate(optimizerOptions.adagrad), description: 'Adagrad', create: (c = {}) => adagrad(c) },
  { id: 'adamax', options: optimizerOptions.adamax, defaultLearningRate: declaredLearningRate(optimizerOptions.adamax), description: 'Adamax (Adam with the infinity norm)', create: (c = {}) => adamax(c) },
  { id: 'lion', options: optimizerOptions.lion, defaultLearningRate: declaredLearningRate(optimizerOptions.lion), description: 'Lion (sign of interpolated momentum)', create: (c = {}) => lion(c) },
] as const satisfies readonly (OptimizerSpec & { readonly id: string })[];

/** The ids of Keel's optimizers: `'sgd' | 'adam' | ...`. */
export type BuiltinOptimizerId = IdsOf<typeof optimizerSpecs>;

declare module '@keel/registry' {
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'optimizer', BuiltinOptimizerId> {}
}

/**
 * Keel's optimizers as a plugin, for `registry.use(optimizersPlugin)`. Importing this package
 * registers nothing: apps install the plugin into the registry they use.
 */
export const optimizersPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  description: 'optax-style optimizers built from gradient transformations',
  provides: { optimizer: optimizerSpecs },
});

/** Installs Keel's optimizers into a registry (idempotent). */
export function installOptimizers(registry: Registry = defaultRegistry): void {
  registry.use(optimizersPlugin);
}

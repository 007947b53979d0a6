import { checkOptions, type Registry } from '@keel/registry';
import { optimizerSpecs } from './plugin.js';
import type { OptimizerConfig } from './spec.js';
import type { GradientTransformation } from './types.js';

/**
 * The optimizer registered under `id` (Keel's or a plugin's namespaced one), built from a
 * config object: `createOptimizer(registry, 'adam', { lr: 1e-3 })`. An option the entry does not
 * declare is an error naming the nearest one it does.
 */
export function createOptimizer(registry: Registry, id: string, config: OptimizerConfig = {}): GradientTransformation {
  if (!registry.has('optimizer', id) && optimizerSpecs.some((spec) => spec.id === id)) {
    throw new Error(`optimizer '${id}' is not in ${registry.name}; install Keel's optimizers first: registry.use(optimizersPlugin)`);
  }
  const spec = registry.resolve('optimizer', id);
  if (spec.options !== undefined) checkOptions(`optimizer '${id}'`, config, spec.options);
  return spec.create(config);
}

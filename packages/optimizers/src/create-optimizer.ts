import { resolveOptions, type Registry } from '@keel/registry';
import { optimizerSpecs } from './plugin.js';
import type { OptimizerConfig, OptimizerId } from './spec.js';
import type { GradientTransformation } from './types.js';

/**
 * The optimizer registered under `id` (Keel's or a plugin's namespaced one), built from a
 * config object: `createOptimizer(registry, 'adam', { lr: 1e-3 })`. An option the entry does not
 * declare is an error naming the nearest one it does; the declared defaults fill in what is left out.
 * A runtime string (a CLI flag, a checkpoint) is narrowed first with `registry.idOf('optimizer', id)`.
 */
export function createOptimizer(registry: Registry, id: OptimizerId, config: OptimizerConfig = {}): GradientTransformation {
  if (!registry.has('optimizer', id) && optimizerSpecs.some((spec) => spec.id === id)) {
    throw new Error(`optimizer '${id}' is not in ${registry.name}; install Keel's optimizers first: registry.use(optimizersPlugin)`);
  }
  const spec = registry.resolve('optimizer', id);
  return spec.create(spec.options === undefined ? config : resolveOptions(`optimizer '${id}'`, config, spec.options));
}

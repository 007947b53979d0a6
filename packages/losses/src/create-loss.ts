import { resolveOptions, type Registry } from '@keel/registry';
import type { LossFn } from './reduction.js';
import type { LossConfig } from './spec.js';

/**
 * The loss registered under `id` (Keel's or a plugin's), created from a config object:
 * `createLoss(registry, 'huber', { delta: 2 })`. Unknown ids throw with the nearest registered one,
 * and so do options the entry does not declare; the declared defaults fill in what is left out.
 */
export function createLoss(registry: Registry, id: string, config: LossConfig = {}): LossFn {
  const spec = registry.resolve('loss', id);
  return spec.create(spec.options === undefined ? config : resolveOptions(`loss '${id}'`, config, spec.options));
}

import type { Registry } from '@keel/registry';
import type { LossFn } from './reduction.js';
import type { LossConfig } from './spec.js';

/**
 * The loss registered under `id` (Keel's or a plugin's), created from a config object:
 * `createLoss(registry, 'huber', { delta: 2 })`. Unknown ids throw with the nearest registered one.
 */
export function createLoss(registry: Registry, id: string, config: LossConfig = {}): LossFn {
  return registry.resolve('loss', id).create(config);
}

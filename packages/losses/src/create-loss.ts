import { resolveOptions, type Registry } from '@keel/registry';
import type { LossFn } from './reduction.js';
import type { LossConfig, LossId } from './spec.js';

/**
 * The loss registered under `id` (Keel's or a plugin's), created from a config object:
 * `createLoss(registry, 'huber', { delta: 2 })`. Unknown ids throw with the nearest registered one,
 * and so do options the entry does not declare; the declared defaults fill in what is left out.
 * A runtime string (a CLI flag, a saved config) is narrowed first with `registry.idOf('loss', id)`.
 */
export function createLoss(registry: Registry, id: LossId, config: LossConfig = {}): LossFn {
  const spec = registry.resolve('loss', id);
  return spec.create(spec.options === undefined ? config : resolveOptions(`loss '${id}'`, config, spec.options));
}

import { createLoss, type LossFn } from '@keel/losses';
import { createOptimizer, type GradientTransformation, type Schedule } from '@keel/optimizers';
import type { Registry } from '@keel/registry';
import { checkLearningRate, type LossArg, type OptimizerArg } from './options.js';

export interface ResolvedLoss {
  readonly fn: LossFn;
  readonly id: string | undefined;
  /** What the loss reads its predictions as (from its registry metadata). */
  readonly expects: 'logits' | 'probabilities' | 'real';
  readonly targets: 'index' | 'oneHot' | 'real' | 'binary' | undefined;
}

export function resolveLoss(registry: Registry, loss: LossArg): ResolvedLoss {
  if (typeof loss === 'function') return { fn: loss, id: undefined, expects: 'real', targets: undefined };
  const id = typeof loss === 'string' ? loss : loss.id;
  const config = typeof loss === 'string' ? {} : (({ id: _id, ...rest }) => rest)(loss);
  const spec = registry.resolve('loss', id);
  return { fn: createLoss(registry, id, config), id, expects: spec.expects, targets: spec.targets };
}

export interface ResolvedOptimizer {
  readonly transformation: GradientTransformation;
  readonly id: string | undefined;
  /** JSON-able config (saved with checkpoints). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The schedule the optimizer was asked for; `fit` scales or overrides it through callbacks. */
  readonly baseSchedule: Schedule | undefined;
}

/**
 * Creates an optimizer by id whose learning rate is read from `currentLearningRate()` each step,
 * so callbacks (reduce-on-plateau, schedulers) can steer it.
 */
export function resolveOptimizer(registry: Registry, optimizer: OptimizerArg, currentLearningRate: () => number): ResolvedOptimizer {
  if (typeof optimizer === 'object' && 'init' in optimizer && 'update' in optimizer) {
    return { transformation: optimizer as GradientTransformation, id: undefined, config: {}, baseSchedule: undefined };
  }
  const id = typeof optimizer === 'string' ? optimizer : optimizer.id;
  const { id: _id, lr, ...rest } = typeof optimizer === 'string' ? { id } : (optimizer as { id: string; lr?: number | Schedule });
  const entry = registry.resolve('optimizer', id);
  const defaultLr = entry.defaultLearningRate ?? 1e-3;
  const given = lr ?? defaultLr;
  if (typeof given !== 'function') checkLearningRate(given, 'number', `optimizer '${id}'`);
  const baseSchedule: Schedule = typeof given === 'function' ? given : () => given;
  const transformation = createOptimizer(registry, id, { ...rest, lr: () => currentLearningRate() });
  return { transformation, id, config: { ...rest, ...(typeof given === 'number' ? { lr: given } : {}) }, baseSchedule };
}

import { createLoss, type LossFn } from '@keel/losses';
import { createOptimizer, scheduleLrProblem, type GradientTransformation, type OptimizerId, type Schedule } from '@keel/optimizers';
import { pluginLabel, type Registry } from '@keel/registry';
import { formatShape, Tensor } from '@keel/tensor';
import { describeArgument } from './describe.js';
import { checkLearningRate, type LossArg, type OptimizerArg } from './options.js';

export interface ResolvedLoss {
  readonly fn: LossFn;
  readonly id: string | undefined;
  /** What the loss reads its predictions as (from its registry metadata). */
  readonly expects: 'logits' | 'probabilities' | 'real';
  readonly targets: 'index' | 'oneHot' | 'real' | 'binary' | undefined;
}

/** An id, `{ id, ...config }`, or (for `functionKind`) a function: anything else names `owner` and the option. */
function checkIdArgument(owner: string, option: string, value: unknown, expected: string, isObject: (v: object) => boolean = () => false): void {
  if (typeof value === 'string' || typeof value === 'function') return;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && (typeof (value as { id?: unknown }).id === 'string' || isObject(value))) return;
  throw new TypeError(`${owner}: ${option} is ${describeArgument(value)}; expected ${expected}`);
}

/**
 * A loss function of the caller's: what it returns is checked, since fit calls backward() and
 * evaluate item() on it — a number or a tensor of many values would fail far inside, or average wrong.
 */
function checkedLossFunction(owner: string, fn: LossFn): LossFn {
  return (predictions, targets) => {
    const value: unknown = fn(predictions, targets);
    if (value instanceof Tensor && value.size === 1) return value;
    const got = value instanceof Tensor ? `a Tensor of shape ${formatShape(value.shape)}` : describeArgument(value);
    throw new TypeError(
      `${owner}: the loss function passed as loss returned ${got}; it must return the batch's loss as a scalar Tensor ` +
        '(reduce per-example losses with mean(...), e.g. (p, t) => mean(square(sub(p, t))))',
    );
  };
}

/** The loss to train or evaluate with; `owner` ('fit', 'evaluate') names the caller in messages. */
export function resolveLoss(registry: Registry, loss: LossArg, owner = 'fit'): ResolvedLoss {
  checkIdArgument(owner, 'loss', loss, "a loss id such as 'sparseSoftmaxCrossEntropy', { id, ...config } or a loss function (predictions, targets) => scalar Tensor");
  if (typeof loss === 'function') return { fn: checkedLossFunction(owner, loss), id: undefined, expects: 'real', targets: undefined };
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
  /** The optimizer as messages name it: "optimizer 'adam' (@keel/optimizers@0.1.0)". */
  readonly label: string;
}

/** A GradientTransformation has init and update functions; a plugin's create returning anything else is named here, not at the first step. */
function checkTransformation(label: string, made: unknown): GradientTransformation {
  const t = made as { init?: unknown; update?: unknown } | null | undefined;
  if (typeof t === 'object' && t !== null && typeof t.init === 'function' && typeof t.update === 'function') return made as GradientTransformation;
  throw new TypeError(`${label}: create returned ${describeArgument(made)}; it must return a GradientTransformation ({ init(params), update(grads, state, params) })`);
}

/**
 * Creates an optimizer by id whose learning rate is read from `currentLearningRate()` each step,
 * so callbacks (reduce-on-plateau, schedulers) can steer it.
 */
export function resolveOptimizer(registry: Registry, optimizer: OptimizerArg, currentLearningRate: () => number, owner = 'fit'): ResolvedOptimizer {
  const isTransformation = (v: object): boolean => typeof (v as { init?: unknown }).init === 'function' && typeof (v as { update?: unknown }).update === 'function';
  checkIdArgument(owner, 'optimizer', optimizer, "an optimizer id such as 'adam', { id, lr, ... } or a GradientTransformation ({ init, update })", isTransformation);
  if (typeof optimizer === 'function') {
    throw new TypeError(`${owner}: optimizer is a function; expected an optimizer id such as 'adam', { id, lr, ... } or a GradientTransformation ({ init, update }) — call the factory first, e.g. sgd({ lr: 0.1 })`);
  }
  if (typeof optimizer === 'object' && isTransformation(optimizer)) {
    return { transformation: optimizer as GradientTransformation, id: undefined, config: {}, baseSchedule: undefined, label: `the optimizer passed to ${owner}` };
  }
  const id = typeof optimizer === 'string' ? optimizer : (optimizer as { id: OptimizerId }).id;
  const { id: _id, lr, ...rest } = typeof optimizer === 'string' ? { id } : (optimizer as { id: OptimizerId; lr?: number | Schedule });
  const entry = registry.resolve('optimizer', id);
  const defaultLr = entry.defaultLearningRate ?? 1e-3;
  const given = lr ?? defaultLr;
  if (typeof given !== 'function') checkLearningRate(given, 'number', `optimizer '${id}'`);
  const baseSchedule: Schedule = typeof given === 'function' ? given : () => given;
  const label = `optimizer '${id}' (${pluginLabel(registry.describe('optimizer', id).plugin)})`;
  // The rate is passed as a schedule so callbacks can steer it: an entry whose lr takes only numbers is told so, not "lr is a function".
  const lrProblem = scheduleLrProblem(entry.options);
  if (lrProblem !== undefined) throw new TypeError(`${label}: ${lrProblem}`);
  const transformation = checkTransformation(label, createOptimizer(registry, id, { ...rest, lr: () => currentLearningRate() }));
  return { transformation, id, config: { ...rest, ...(typeof given === 'number' ? { lr: given } : {}) }, baseSchedule, label };
}

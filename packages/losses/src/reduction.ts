import { mean, sum, type Tensor } from '@keel/tensor';

/** How the per-example losses become the value a loss returns. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /**
   * 'mean' (the default) averages over the batch, so the loss and its gradients keep one scale
   * whatever the batch size: a loss summed over 60,000 examples is 60,000 times larger and its
   * gradient explodes with a learning rate tuned for one batch. 'sum' adds the per-example losses;
   * 'none' returns them, one per example.
   */
  readonly reduction?: Reduction;
}

/** Every loss: predictions and targets in, a scalar (or per-example losses with 'none') out. */
export type LossFn = (predictions: Tensor, targets: Tensor, options?: LossOptions) => Tensor;

const reductions: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Applies a reduction to per-example losses. */
export function reduce(loss: string, perExample: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (!reductions.includes(reduction)) {
    throw new TypeError(`${loss}: unknown reduction '${String(reduction)}'; use 'mean', 'sum' or 'none'`);
  }
  if (reduction === 'none') return perExample;
  return reduction === 'sum' ? sum(perExample) : mean(perExample);
}

/**
 * The loss of each example from elementwise losses of shape [batch, ...]: the mean over every
 * axis but the first, so the scale of the loss does not depend on how many outputs a model has.
 */
export function meanPerExample(elementwise: Tensor): Tensor {
  if (elementwise.rank <= 1) return elementwise;
  const featureAxes = Array.from({ length: elementwise.rank - 1 }, (_, i) => i + 1);
  return mean(elementwise, { axis: featureAxes });
}

/** The same loss with other default options; options given per call still win. */
export function withDefaults<O extends LossOptions>(
  loss: (predictions: Tensor, targets: Tensor, options?: O) => Tensor,
  defaults: NoInfer<O>,
): (predictions: Tensor, targets: Tensor, options?: O) => Tensor {
  return (predictions, targets, options) => loss(predictions, targets, { ...defaults, ...options });
}

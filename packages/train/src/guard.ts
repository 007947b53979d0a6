import { allFinite, type Tensor } from '@keel/tensor';

/** Training stopped because a value became NaN or infinite; says where and what to try. */
export class NumericsError extends Error {
  readonly step: number;
  readonly epoch: number;
  /** The parameter whose gradient was not finite ('dense_1/kernel'), or 'loss'. */
  readonly where: string;

  constructor(message: string, step: number, epoch: number, where: string) {
    super(message);
    this.name = 'NumericsError';
    this.step = step;
    this.epoch = epoch;
    this.where = where;
  }
}

const advice =
  'Likely causes: a learning rate too high for this model, inputs that are not normalised (e.g. raw 0–255 pixels), ' +
  'a loss summed instead of averaged over the batch, or a probabilities-vs-logits mismatch. ' +
  "Run @keel/diagnostics' doctor (or `keel doctor`) to find the first op that produced it.";

function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/**
 * The cheap guard `fit` runs each step: the loss and every gradient must be finite. The check runs
 * on the gradients' backend (one scalar back per parameter); values are read only to explain a failure.
 */
export function checkStep(loss: Tensor, grads: ReadonlyMap<string, Tensor | null>, step: number, epoch: number, batch: number): void {
  const value = loss.values[0];
  const where = `step ${step} (epoch ${epoch + 1}, batch ${batch + 1})`;
  if (!Number.isFinite(value)) {
    throw new NumericsError(`${where}: the loss is ${value}. ${advice}`, step, epoch, 'loss');
  }
  for (const [name, grad] of grads) {
    if (grad === null || allFinite(grad)) continue;
    const values = grad.values;
    const index = firstNonFinite(values);
    if (index >= 0) {
      let count = 0;
      for (let i = index; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
      const layer = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name;
      throw new NumericsError(
        `${where}: the gradient of ${name} (layer ${layer}) has ${count} non-finite value(s), the first ${values[index]} at index ${index}, while the loss was ${value}. ${advice}`,
        step,
        epoch,
        name,
      );
    }
  }
}

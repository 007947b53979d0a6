import { chain, scaleByLearningRate, type GradientTransformation, type Params, type Schedule } from '@keel/optimizers';
import { add, mul, sign, zerosLike } from '@keel/tensor';

export interface SignumOptions {
  /** Learning rate (default 0.01): every parameter moves by exactly lr per step. */
  readonly lr?: number | Schedule;
  /** Momentum of the gradient average whose sign is taken (default 0.9). */
  readonly beta?: number;
}

export type SignMomentumState = { readonly momentum: Params };

/** m ← β·m + (1 − β)·g; the update is sign(m). State is a record of tensors, so it saves and restores. */
export function scaleBySignMomentum(beta: number): GradientTransformation<SignMomentumState> {
  if (!(beta >= 0 && beta < 1)) throw new RangeError(`signum: beta must be in [0, 1), got ${beta}`);
  return {
    init: (params) => ({ momentum: Object.fromEntries(Object.entries(params).map(([name, p]) => [name, zerosLike(p)])) }),
    update: (grads, state) => {
      const momentum: Record<string, ReturnType<typeof zerosLike>> = {};
      const updates: Record<string, ReturnType<typeof zerosLike>> = {};
      for (const [name, g] of Object.entries(grads)) {
        const previous = state.momentum[name];
        if (previous === undefined) throw new Error(`signum: no momentum for parameter '${name}'; init with the same parameters you update`);
        momentum[name] = add(mul(previous, beta), mul(g, 1 - beta));
        updates[name] = sign(momentum[name]);
      }
      return { updates, state: { momentum } };
    },
  };
}

/** Signum (Bernstein et al., 2018): signSGD with momentum. */
export function signum(options: SignumOptions = {}): GradientTransformation {
  return chain(scaleBySignMomentum(options.beta ?? 0.9), scaleByLearningRate(options.lr ?? 0.01));
}

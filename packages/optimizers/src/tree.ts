import { noGrad, zerosLike, type Tensor } from '@keel/tensor';
import type { Params } from './types.js';

/**
 * `fn` of each named gradient, under `noGrad`: optimizer arithmetic must never be recorded into
 * a graph (parameters require gradients, and decayed weights are computed from them).
 */
export function mapParams(grads: Params, fn: (grad: Tensor, name: string) => Tensor): Record<string, Tensor> {
  return noGrad(() => {
    const out: Record<string, Tensor> = {};
    for (const name of Object.keys(grads)) out[name] = fn(grads[name], name);
    return out;
  });
}

/** The tensor of `name` in a companion record (state, parameters), with a clear error when it is missing. */
export function entryOf(owner: string, what: string, record: Params, name: string): Tensor {
  const value = record[name];
  if (value === undefined) {
    throw new Error(
      `${owner}: there is a gradient for parameter '${name}' but no ${what} for it; ` +
        'pass every trained parameter to init(params) and the same ones to update',
    );
  }
  return value;
}

export function zerosLikeParams(params: Params): Record<string, Tensor> {
  return mapParams(params, (p) => zerosLike(p));
}

/** Whether every value of every tensor is finite (no NaN, no ±Infinity). */
export function allFinite(tensors: Params): boolean {
  for (const name of Object.keys(tensors)) {
    for (const v of tensors[name].borrowValues()) if (!Number.isFinite(v)) return false;
  }
  return true;
}

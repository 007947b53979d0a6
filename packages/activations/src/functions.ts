import type { Tensor } from '@keel/tensor';
import type { ActivationEntry } from './activation.js';
import { applierFromEntry } from './create.js';
import { builtinActivations } from './entries.js';

// Plain functions over the built-in entries, for direct use without a registry. They run the
// same forward and backward as `createActivation(registry, id).apply`.

const entries = new Map<string, ActivationEntry>(builtinActivations.map((entry) => [entry.id, entry]));
const appliers = new Map<string, (x: Tensor) => Tensor>();
const CACHE_LIMIT = 256;

function run(id: string, x: Tensor, options: Readonly<Record<string, unknown>> = {}): Tensor {
  const key = `${id}${JSON.stringify(options)}`;
  let apply = appliers.get(key);
  if (apply === undefined) {
    apply = applierFromEntry(entries.get(id)!, options);
    if (appliers.size >= CACHE_LIMIT) appliers.clear();
    appliers.set(key, apply);
  }
  return apply(x);
}

/** max(x, 0). */
export const relu = (x: Tensor): Tensor => run('relu', x);
/** x for x > 0, alpha·x otherwise (alpha default 0.01). */
export const leakyRelu = (x: Tensor, options: { alpha?: number } = {}): Tensor => run('leakyRelu', x, options);
/** x for x > 0, alpha·(eˣ − 1) otherwise (alpha default 1). */
export const elu = (x: Tensor, options: { alpha?: number } = {}): Tensor => run('elu', x, options);
/** Scaled elu with the self-normalising constants. */
export const selu = (x: Tensor): Tensor => run('selu', x);
/** x·Φ(x), exact (erf) or with `{ approximate: 'tanh' }`. */
export const gelu = (x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor => run('gelu', x, options);
/** x·σ(beta·x) (beta default 1). */
export const swish = (x: Tensor, options: { beta?: number } = {}): Tensor => run('swish', x, options);
/** x·σ(x). */
export const silu = (x: Tensor): Tensor => run('silu', x);
/** x·tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => run('mish', x);
/** log(1 + eˣ), overflow-free. */
export const softplus = (x: Tensor): Tensor => run('softplus', x);
/** 1/(1 + e⁻ˣ), overflow-free. */
export const sigmoid = (x: Tensor): Tensor => run('sigmoid', x);
/** clip(x/6 + 1/2, 0, 1). */
export const hardSigmoid = (x: Tensor): Tensor => run('hardSigmoid', x);
/** The hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => run('tanh', x);
/** x/(1 + |x|). */
export const softsign = (x: Tensor): Tensor => run('softsign', x);
/** softmax along the last axis. */
export const softmax = (x: Tensor): Tensor => run('softmax', x);
/** log-softmax along the last axis. */
export const logSoftmax = (x: Tensor): Tensor => run('logSoftmax', x);
/** The identity. */
export const linear = (x: Tensor): Tensor => run('linear', x);

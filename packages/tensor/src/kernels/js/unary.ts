import type { KernelFn } from '../../backend/backend.js';
import { allocate, jsTensor } from './util.js';

/** Stable by construction: sigmoid and softplus branch on the sign of x, so exp never overflows. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** erf through the Chebyshev fit of erfc from Numerical Recipes: relative error below 1.2e-7. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** Elementwise functions of one input. */
export const unaryFunctions: Readonly<Record<string, (x: number) => number>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  softplus,
  relu: (x) => (x > 0 ? x : 0),
  step: (x) => (x > 0 ? 1 : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  erf,
  isFinite: (x) => (Number.isFinite(x) ? 1 : 0),
};

export function unaryKernel(fn: (x: number) => number): KernelFn {
  return ([x]) => {
    const input = x.values;
    const out = allocate(x.dtype, input.length);
    for (let i = 0; i < input.length; i++) out[i] = fn(input[i]);
    return jsTensor(out, x.shape, x.dtype);
  };
}

/** relu is hot in training; a dedicated loop avoids the indirect call. */
export const reluKernel: KernelFn = ([x]) => {
  const input = x.values;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    out[i] = v > 0 ? v : 0;
  }
  return jsTensor(out, x.shape, x.dtype);
};

/** x * scale + offset, one pass (used for scalar arithmetic without broadcasting). */
export const affineKernel: KernelFn = ([x], attrs) => {
  const scale = attrs.scale as number;
  const offset = attrs.offset as number;
  const input = x.values;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] * scale + offset;
  return jsTensor(out, x.shape, x.dtype);
};

export const clipKernel: KernelFn = ([x], attrs) => {
  const low = attrs.low as number;
  const high = attrs.high as number;
  const input = x.values;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    out[i] = v < low ? low : v > high ? high : v;
  }
  return jsTensor(out, x.shape, x.dtype);
};

/** 1 where low <= x <= high: the mask the gradient of clip passes through. */
export const insideRangeKernel: KernelFn = ([x], attrs) => {
  const low = attrs.low as number;
  const high = attrs.high as number;
  const input = x.values;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] >= low && input[i] <= high ? 1 : 0;
  return jsTensor(out, x.shape, x.dtype);
};

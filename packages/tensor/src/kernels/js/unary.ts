import type { TypedArray } from '../../dtype.js';
import type { UnaryOp } from '../../op-signatures.js';
import { allocate, host, type JsKernel } from './util.js';

/** Stable by construction: sigmoid and softplus branch on the sign of x, so exp never overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * erf in double precision: the Maclaurin series below |x| = 3 (terms peak near 3e3, so about
 * 1e-13 is lost to cancellation) and erfc's continued fraction (Lentz) above it.
 */
function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const z = Math.abs(x);
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 80 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (z > 6) return Math.sign(x);
  // erfc(z) = exp(-z²)/√π · 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...))))
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    d = z + a * d;
    c = z + a / c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Elementwise functions of one input. */
export const unaryFunctions: Readonly<Record<UnaryOp, (x: number) => number>> = {
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
  // NaN stays NaN: a diverged value must not silently become 0.
  relu: (x) => (x > 0 || x !== x ? x : 0),
  step: (x) => (x > 0 ? 1 : x !== x ? x : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  erf,
  isFinite: (x) => (Number.isFinite(x) ? 1 : 0),
};

export function unaryKernel(fn: (x: number) => number): JsKernel<UnaryOp> {
  return ([x]) => {
    const input = x.data;
    const out = allocate(x.dtype, input.length);
    for (let i = 0; i < input.length; i++) out[i] = fn(input[i]);
    return host(out, x.shape, x.dtype);
  };
}

type Loop = (input: TypedArray, out: TypedArray) => void;

/**
 * Separate loops for the ops that are hot in training: a loop shared by every op would call its
 * function through one megamorphic call site, several times slower than these.
 */
const hotLoops: Readonly<Partial<Record<UnaryOp, Loop>>> = {
  neg: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = -a[i];
  },
  exp: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.exp(a[i]);
  },
  log: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.log(a[i]);
  },
  sqrt: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(a[i]);
  },
  square: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i] * a[i];
  },
  reciprocal: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = 1 / a[i];
  },
  tanh: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.tanh(a[i]);
  },
  sigmoid: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = sigmoid(a[i]);
  },
  abs: (a, o) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.abs(a[i]);
  },
  step: (a, o) => {
    for (let i = 0; i < o.length; i++) {
      const v = a[i];
      o[i] = v > 0 ? 1 : v !== v ? v : 0;
    }
  },
};

/** The kernel of a unary op: its dedicated loop when it has one. */
export function unaryKernelFor(op: UnaryOp, fn: (x: number) => number): JsKernel<UnaryOp> {
  const loop = hotLoops[op];
  if (loop === undefined) return unaryKernel(fn);
  return ([x]) => {
    const out = allocate(x.dtype, x.data.length);
    loop(x.data, out);
    return host(out, x.shape, x.dtype);
  };
}

/** relu is hot in training; a dedicated loop avoids the indirect call. */
export const reluKernel: JsKernel<'relu'> = ([x]) => {
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    out[i] = v > 0 || v !== v ? v : 0;
  }
  return host(out, x.shape, x.dtype);
};

/** x * scale + offset, one pass (used for scalar arithmetic without broadcasting). */
export const affineKernel: JsKernel<'affine'> = ([x], attrs) => {
  const scale = attrs.scale;
  const offset = attrs.offset;
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] * scale + offset;
  return host(out, x.shape, x.dtype);
};

export const clipKernel: JsKernel<'clip'> = ([x], attrs) => {
  const low = attrs.low;
  const high = attrs.high;
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    out[i] = v < low ? low : v > high ? high : v;
  }
  return host(out, x.shape, x.dtype);
};

/** 1 where low <= x <= high: the mask the gradient of clip passes through. */
export const insideRangeKernel: JsKernel<'insideRange'> = ([x], attrs) => {
  const low = attrs.low;
  const high = attrs.high;
  const input = x.data;
  const out = allocate(x.dtype, input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] >= low && input[i] <= high ? 1 : 0;
  return host(out, x.shape, x.dtype);
};

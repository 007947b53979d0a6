#!/usr/bin/env node
// Computes the constants in src/gains.ts: for x ~ N(0, 1), E[f(x)²] by composite Simpson
// quadrature of f(x)²·φ(x) over [-12, 12] (h = 1e-4; the kinks at 0 and ±3 are grid points),
// the variance-preserving gain √(1/E[f(x)²]), output minima (golden-section search) and where
// the derivative falls below 1% of its peak. Run: node scripts/compute-gains.mjs
// Pure JavaScript in float64, independent of @keel/tensor (erf is computed to ~1e-15 here).

const SQRT2 = Math.SQRT2;
const LAMBDA = 1.0507009873554805;
const ALPHA = 1.6732632423543772;

/** erf to double precision: Taylor series for |x| < 3, continued fraction for erfc beyond. */
export function erf(x) {
  const z = Math.abs(x);
  let r;
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (-z * z) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(z) = exp(-z²)/√π · 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...)))) (Lentz, evaluated backwards)
    let f = 0;
    for (let n = 60; n >= 1; n--) f = n / 2 / (z + f);
    r = 1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
  }
  return x < 0 ? -r : r;
}

const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const K = Math.sqrt(2 / Math.PI);

export const functions = {
  relu: (x) => Math.max(x, 0),
  leakyRelu: (x) => (x > 0 ? x : 0.01 * x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => LAMBDA * (x > 0 ? x : ALPHA * Math.expm1(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x * x * x))),
  swish: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus(x)),
  sigmoid,
  hardSigmoid: (x) => Math.min(1, Math.max(0, x / 6 + 0.5)),
  tanh: Math.tanh,
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  linear: (x) => x,
};

const phi = (x) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** E[g(x)] for x ~ N(0, 1) by composite Simpson on [-12, 12]. */
export function gaussianExpectation(g, h = 1e-4) {
  const n = Math.round(24 / h);
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const x = -12 + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * g(x) * phi(x);
  }
  return (sum * h) / 3;
}

function minimum(f, lo, hi) {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  for (let i = 0; i < 200; i++) {
    const c = b - r * (b - a);
    const d = a + r * (b - a);
    if (f(c) < f(d)) b = d;
    else a = c;
  }
  const x = (a + b) / 2;
  return { x, value: f(x) };
}

const derivative = (f, x, e = 1e-5) => (f(x + e) - f(x - e)) / (2 * e);

/** The most negative x at which |f'| is still at least 1% of its peak over [-30, 30]. */
function saturationBelow(f) {
  let peak = 0;
  for (let x = -30; x <= 30; x += 0.001) peak = Math.max(peak, Math.abs(derivative(f, x)));
  for (let x = -30; x <= 30; x += 0.001) if (Math.abs(derivative(f, x)) >= 0.01 * peak) return x;
  return undefined;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop());
if (isMain) {
  const rows = {};
  for (const [name, f] of Object.entries(functions)) {
    const second = gaussianExpectation((x) => f(x) * f(x));
    rows[name] = { 'E[f²]': second, gain: Math.sqrt(1 / second), saturatesBelow: saturationBelow(f) };
  }
  console.table(rows);
  for (const name of ['gelu', 'geluTanh', 'swish', 'mish']) {
    console.log(name, 'minimum', minimum(functions[name], -3, 0));
  }
  // check with a 1e6-sample Monte Carlo (Box–Muller on Math.random)
  const mc = {};
  const samples = [];
  for (let i = 0; i < 500_000; i++) {
    const u = 1 - Math.random();
    const v = Math.random();
    const radius = Math.sqrt(-2 * Math.log(u));
    samples.push(radius * Math.cos(2 * Math.PI * v), radius * Math.sin(2 * Math.PI * v));
  }
  for (const [name, f] of Object.entries(functions)) {
    let s = 0;
    for (const x of samples) s += f(x) * f(x);
    mc[name] = Math.sqrt(samples.length / s);
  }
  console.log('Monte Carlo (1e6 samples) gains', mc);
  console.log('erf(1/√2)', erf(1 / SQRT2), 'erf(0.5)', erf(0.5), 'erf(3.5)', erf(3.5));
}

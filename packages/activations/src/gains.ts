/**
 * Gains and other constants of the built-in activations.
 *
 * Where PyTorch's `torch.nn.init.calculate_gain` defines a gain (relu, leaky relu, tanh, selu,
 * sigmoid, linear) it is used as is. For the others the gain is the variance-preserving value
 * √(1/E[f(x)²]) for x ~ N(0, 1), computed once offline by `scripts/compute-gains.mjs`: composite
 * Simpson quadrature of f(x)²·φ(x) over [-12, 12] with step 1e-4 in float64 (erf to ~1e-15),
 * cross-checked with a 1e6-sample Monte-Carlo estimate (agreement within 0.3%). The quadrature
 * reproduces the known values to 1e-13: relu √2, selu 1, linear 1.
 */

/** SELU's constants (Klambauer et al., 2017): λ = 1.0507009873554804934..., α = 1.6732632423543772848..., as doubles. */
export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;

/** √(1/E[f(x)²]) for x ~ N(0, 1), by quadrature (see the file comment). */
export const VARIANCE_GAINS = {
  /** elu with alpha 1: E[f²] = 0.6449454174928695. */
  elu: 1.245198300700759,
  /** exact gelu, 0.5·x·(1 + erf(x/√2)): E[f²] = 0.42522148257027187. */
  gelu: 1.5335304411955837,
  /** tanh-approximated gelu: E[f²] = 0.4251937110330706. */
  geluTanh: 1.533580521666199,
  /** swish / silu with beta 1, x·σ(x): E[f²] = 0.35577551981732786. */
  swish: 1.6765324703311484,
  /** mish, x·tanh(softplus(x)): E[f²] = 0.452342192375852. */
  mish: 1.4868475812732587,
  /** softplus, log(1 + eˣ): E[f²] = 0.9212459088592552. */
  softplus: 1.0418668355353273,
  /** softsign, x/(1 + |x|): E[f²] = 0.18301402126653124. */
  softsign: 2.3375333631086432,
  /** hard sigmoid, clip(x/6 + 1/2, 0, 1): E[f²] = 0.27763909105648793. */
  hardSigmoid: 1.8978404247296432,
  /** PyTorch's tanh gain is 5/3; the variance-preserving value is lower (E[f²] = 0.39429449039781467). */
  tanh: 1.592537419722885,
  /** PyTorch's sigmoid gain is 1; the variance-preserving value is much higher (E[f²] = 0.29337903585806663). */
  sigmoid: 1.8462285453386884,
  /** PyTorch's selu gain is 3/4; selu is built so that E[f²] = 1 for x ~ N(0, 1). */
  selu: 1,
} as const;

/** Minima of the non-monotonic activations (golden-section search), rounded outward in the 6th digit. */
export const MINIMA = {
  /** at x ≈ -0.75179: -0.16997120747990369 */
  gelu: -0.169972,
  /** at x ≈ -0.75246: -0.17004075057125403 */
  geluTanh: -0.170041,
  /** swish with beta 1 at x ≈ -1.27846: -0.27846454276107385 (for beta b the minimum is this / b) */
  swish: -0.278465,
  /** at x ≈ -1.19243: -0.30884341301725027 */
  mish: -0.308844,
} as const;

/**
 * Inputs beyond which the derivative stays under 1% of its peak (found on a 1e-3 grid by
 * `scripts/compute-gains.mjs`), rounded outward: the `saturation` thresholds.
 */
export const SATURATION = {
  /** σ'(x) < 0.0025 = 1% of σ'(0) for |x| > 5.99 */
  sigmoid: 6,
  /** 1 − tanh²(x) < 0.01 for |x| > 2.993 */
  tanh: 3,
  /** eˣ < 0.01 for x < ln 0.01 ≈ -4.605 (elu, selu, softplus) */
  exponential: -4.61,
  /** gelu' below 1% of its peak for x < -3.02 (exact) and -3.01 (tanh approximation) */
  gelu: -3.03,
  /** swish' (beta 1) below 1% of its peak for x < -6.142; for beta b the threshold is this / b */
  swish: -6.15,
  /** mish' below 1% of its peak for x < -6.158 */
  mish: -6.16,
  /** softsign' = 1/(1 + |x|)² < 0.01 for |x| > 9 */
  softsign: 9,
} as const;

const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/**
 * √(1/E[f(x)²]) for x ~ N(0, 1) by composite Simpson quadrature on [-12, 12] (step 1e-3, about
 * 1e-10 accurate for the built-in functions): how configured activations (an elu with another
 * alpha, a swish with another beta) get their gain.
 */
export function varianceGain(f: (x: number) => number, step = 1e-3): number {
  const n = 2 * Math.round(12 / step);
  const h = 24 / n;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const x = -12 + i * h;
    const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    const y = f(x);
    total += weight * y * y * phi(x);
  }
  return Math.sqrt(1 / ((total * h) / 3));
}

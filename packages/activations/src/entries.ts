import {
  abs,
  add,
  affine,
  clip,
  erf,
  exp,
  expm1,
  greater,
  logSoftmax,
  maximum,
  minimum,
  mul,
  reciprocal,
  sigmoid,
  softmax,
  softplus,
  square,
  step,
  tanh,
  where,
  type Tensor,
} from '@keel/tensor';
import { declareOption, optionDefaults, optionField, type IdsOf, type OptionFields } from '@keel/registry';
import type { ActivationEntry } from './activation.js';
import type { ActivationConfig } from './config.js';
import { MINIMA, SATURATION, SELU_ALPHA, SELU_LAMBDA, VARIANCE_GAINS, varianceGain } from './gains.js';

const INF = Infinity;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_CUBIC = 0.044715;
/**
 * Beyond |x| = 10 the tanh-approximated gelu's tanh is exactly ±1 in float32 and float64 (its
 * argument exceeds 43), so clipping x there changes no value but keeps x³ from overflowing.
 */
const GELU_TANH_CLIP = 10;

const num = (config: ActivationConfig, key: string): number => config[key] as number;

/** `positive` where x > 0, else `otherwise`, in x's dtype. */
function positiveOr(x: Tensor, positive: Tensor | number, otherwise: Tensor | number): Tensor {
  return where(greater(x, 0), positive, otherwise);
}

/**
 * An entry with its options declared once: `defaults` (what code written for the older shorthand,
 * such as a testkit check, reads) is derived from them, never written twice.
 */
function declared<const Id extends string>(entry: Omit<ActivationEntry, 'defaults'> & { readonly id: Id }): ActivationEntry & { readonly id: Id } {
  const options: OptionFields = entry.options ?? {};
  const defaults = optionDefaults(options) as Record<string, number | string | boolean>;
  return { ...entry, options, ...(Object.keys(defaults).length === 0 ? {} : { defaults }) };
}

const scalarSigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

// ---------------------------------------------------------------------------------------------
// The ReLU family
// ---------------------------------------------------------------------------------------------

const reluEntry = declared({
  id: 'relu',
  description: 'max(x, 0): the default for hidden layers; pair it with heNormal',
  // maximum(x, 0) keeps NaN, as the fused 'relu' kernel does, so a diverged input stays visible;
  // the backward is dy·step(x) (0 at the kink, as PyTorch).
  forward: (x) => maximum(x, 0),
  backward: ({ x, dy }) => mul(dy, step(x)),
  meta: {
    fused: 'relu',
    gain: Math.SQRT2,
    recommendedInitializer: 'heNormal',
    outputRange: [0, INF],
    saturation: { below: 0 },
    kinks: [0],
  },
});

/** α + (1 − α)·step(x): the slope of a leaky relu, 1 for x > 0 and α otherwise. */
const leakySlope = (x: Tensor, alpha: number): Tensor => affine(step(x), 1 - alpha, alpha);

const leakyReluEntry = declared({
  id: 'leakyRelu',
  description: 'x for x > 0, alpha·x otherwise (alpha >= 0, default 0.01): a relu whose negative side still learns',
  options: { alpha: declareOption(optionField.number((v) => v >= 0, '>= 0'), 'the slope for x < 0 (0 makes it relu)', 0.01) },
  forward: (x, config) => mul(x, leakySlope(x, num(config, 'alpha'))),
  backward: ({ x, dy }, config) => mul(dy, leakySlope(x, num(config, 'alpha'))),
  meta: (config) => {
    const alpha = num(config, 'alpha');
    return {
      gain: Math.sqrt(2 / (1 + alpha * alpha)),
      recommendedInitializer: 'heNormal',
      outputRange: alpha > 0 ? [-INF, INF] : [0, INF],
      saturation: alpha === 0 ? { below: 0 } : {},
      kinks: alpha === 1 ? [] : [0],
    };
  },
});

const eluEntry = declared({
  id: 'elu',
  description: 'x for x > 0, alpha·(eˣ − 1) otherwise (alpha > 0, default 1): smooth below zero, mean nearer 0',
  options: { alpha: declareOption(optionField.number((v) => v > 0, '> 0'), 'the scale of the negative side: outputs approach −alpha as x → −∞', 1) },
  // expm1 only ever sees min(x, 0), so the branch where() discards never overflows.
  forward: (x, config) => positiveOr(x, x, mul(expm1(minimum(x, 0)), num(config, 'alpha'))),
  // f'(x) = 1 for x > 0, α·eˣ = y + α otherwise.
  backward: ({ x, y, dy }, config) => mul(dy, positiveOr(x, 1, affine(y, 1, num(config, 'alpha')))),
  meta: (config) => {
    const alpha = num(config, 'alpha');
    return {
      gain: alpha === 1 ? VARIANCE_GAINS.elu : varianceGain((x) => (x > 0 ? x : alpha * Math.expm1(x))),
      recommendedInitializer: 'heNormal',
      outputRange: [-alpha, INF],
      // α·eˣ falls under 1% of the peak slope max(1, α) below ln(0.01·max(1, α)/α).
      saturation: { below: Math.log((0.01 * Math.max(1, alpha)) / alpha) },
      kinks: alpha === 1 ? [] : [0],
    };
  },
});

const seluEntry = declared({
  id: 'selu',
  description: 'λ·x for x > 0, λ·α·(eˣ − 1) otherwise (λ ≈ 1.0507, α ≈ 1.6733): self-normalising; pair it with lecunNormal',
  forward: (x) => positiveOr(x, mul(x, SELU_LAMBDA), mul(expm1(minimum(x, 0)), SELU_LAMBDA * SELU_ALPHA)),
  // f'(x) = λ for x > 0, λ·α·eˣ = y + λ·α otherwise.
  backward: ({ x, y, dy }) => mul(dy, positiveOr(x, SELU_LAMBDA, affine(y, 1, SELU_LAMBDA * SELU_ALPHA))),
  meta: {
    // PyTorch's value; selu preserves E[f²] = 1 itself, so the variance-preserving gain is 1.
    gain: 3 / 4,
    gainIsConvention: true,
    recommendedInitializer: 'lecunNormal',
    outputRange: [-SELU_LAMBDA * SELU_ALPHA, INF],
    saturation: { below: SATURATION.exponential },
    kinks: [0],
  },
});

// ---------------------------------------------------------------------------------------------
// Smooth relu-likes: gelu, swish / silu, mish, softplus
// ---------------------------------------------------------------------------------------------

/** 0.5·x·(1 + erf(x/√2)); erf saturates at ±1, so large |x| gives x or −0, never NaN. */
function geluExact(x: Tensor): Tensor {
  return mul(affine(x, 0.5, 0), affine(erf(affine(x, Math.SQRT1_2, 0)), 1, 1));
}

/** Φ(x) + x·φ(x); φ underflows to 0 for large |x| (the product is 0, not NaN). */
function geluExactSlope(x: Tensor): Tensor {
  const cdf = affine(erf(affine(x, Math.SQRT1_2, 0)), 0.5, 0.5);
  const density = affine(exp(affine(square(x), -0.5, 0)), INV_SQRT_2PI, 0);
  return add(cdf, mul(x, density));
}

/** tanh(√(2/π)·(x + 0.044715·x³)) on x clipped to ±10 (where it is ±1 anyway). */
function geluTanhInner(x: Tensor): { clipped: Tensor; t: Tensor } {
  const clipped = clip(x, -GELU_TANH_CLIP, GELU_TANH_CLIP);
  const t = tanh(affine(mul(clipped, affine(square(clipped), GELU_CUBIC, 1)), SQRT_2_OVER_PI, 0));
  return { clipped, t };
}

function geluTanh(x: Tensor): Tensor {
  return mul(affine(x, 0.5, 0), affine(geluTanhInner(x).t, 1, 1));
}

/** 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²), with x clipped where 1 − t² is 0. */
function geluTanhSlope(x: Tensor): Tensor {
  const { clipped, t } = geluTanhInner(x);
  const sech2 = affine(square(t), -1, 1);
  const inner = affine(square(clipped), 3 * GELU_CUBIC, 1);
  return add(affine(t, 0.5, 0.5), mul(mul(affine(clipped, 0.5 * SQRT_2_OVER_PI, 0), sech2), inner));
}

const geluEntry = declared({
  id: 'gelu',
  description: "x·Φ(x), Φ the standard normal CDF (approximate: 'none' exact via erf, or 'tanh' as in GPT-2 and BERT)",
  options: { approximate: declareOption(optionField.choice(['none', 'tanh']), "'none': exact, through erf; 'tanh': the tanh approximation of GPT-2 and BERT", 'none') },
  forward: (x, config) => (config.approximate === 'tanh' ? geluTanh(x) : geluExact(x)),
  backward: ({ x, dy }, config) => mul(dy, config.approximate === 'tanh' ? geluTanhSlope(x) : geluExactSlope(x)),
  meta: (config) => {
    const exact = config.approximate !== 'tanh';
    return {
      gain: exact ? VARIANCE_GAINS.gelu : VARIANCE_GAINS.geluTanh,
      recommendedInitializer: 'heNormal',
      outputRange: [exact ? MINIMA.gelu : MINIMA.geluTanh, INF],
      saturation: { below: SATURATION.gelu },
      kinks: [],
    };
  },
});

/** x·σ(βx) and its slope s + β·y·(1 − s), s = σ(βx): finite at any x (s is 0 or 1 at the ends). */
const swishForward = (x: Tensor, beta: number): Tensor => mul(x, sigmoid(beta === 1 ? x : affine(x, beta, 0)));

function swishBackward(x: Tensor, y: Tensor, dy: Tensor, beta: number): Tensor {
  const s = sigmoid(beta === 1 ? x : affine(x, beta, 0));
  return mul(dy, add(s, mul(affine(y, beta, 0), affine(s, -1, 1))));
}

function swishMeta(beta: number) {
  return {
    gain: beta === 1 ? VARIANCE_GAINS.swish : varianceGain((x) => x * scalarSigmoid(beta * x)),
    recommendedInitializer: 'heNormal',
    // x·σ(βx) = (βx)·σ(βx)/β: the minimum and the saturation point scale with 1/β.
    outputRange: [MINIMA.swish / beta, INF] as const,
    saturation: { below: SATURATION.swish / beta },
    kinks: [],
  };
}

const swishEntry = declared({
  id: 'swish',
  description: 'x·σ(beta·x) (beta > 0, default 1; with beta 1 it is silu)',
  options: { beta: declareOption(optionField.number((v) => v > 0, '> 0'), 'the slope inside the sigmoid: x·σ(beta·x)', 1) },
  forward: (x, config) => swishForward(x, num(config, 'beta')),
  backward: ({ x, y, dy }, config) => swishBackward(x, y, dy, num(config, 'beta')),
  meta: (config) => swishMeta(num(config, 'beta')),
});

const siluEntry = declared({
  id: 'silu',
  description: 'x·σ(x), the sigmoid-weighted linear unit (swish with beta 1)',
  forward: (x) => swishForward(x, 1),
  backward: ({ x, y, dy }) => swishBackward(x, y, dy, 1),
  meta: swishMeta(1),
});

const mishEntry = declared({
  id: 'mish',
  description: 'x·tanh(softplus(x)): smooth, non-monotonic, relu-like',
  forward: (x) => mul(x, tanh(softplus(x))),
  // f'(x) = t + x·(1 − t²)·σ(x), t = tanh(softplus(x)); at x → −∞ both terms go to 0, never NaN.
  backward: ({ x, dy }) => {
    const t = tanh(softplus(x));
    return mul(dy, add(t, mul(mul(x, affine(square(t), -1, 1)), sigmoid(x))));
  },
  meta: {
    gain: VARIANCE_GAINS.mish,
    recommendedInitializer: 'heNormal',
    outputRange: [MINIMA.mish, INF],
    saturation: { below: SATURATION.mish },
    kinks: [],
  },
});

const softplusEntry = declared({
  id: 'softplus',
  description: 'log(1 + eˣ), computed without overflow: a smooth relu',
  forward: (x) => softplus(x),
  backward: ({ x, dy }) => mul(dy, sigmoid(x)),
  meta: {
    gain: VARIANCE_GAINS.softplus,
    recommendedInitializer: 'heNormal',
    outputRange: [0, INF],
    saturation: { below: SATURATION.exponential },
    kinks: [],
  },
});

// ---------------------------------------------------------------------------------------------
// Squashing functions
// ---------------------------------------------------------------------------------------------

const sigmoidEntry = declared({
  id: 'sigmoid',
  description: '1/(1 + e⁻ˣ), computed without overflow: probabilities for binary outputs',
  forward: (x) => sigmoid(x),
  // σ'(x) = y·(1 − y), on the output.
  backward: ({ y, dy }) => mul(dy, mul(y, affine(y, -1, 1))),
  meta: {
    fused: 'sigmoid',
    // PyTorch's value; the variance-preserving gain would be 1.846.
    gain: 1,
    gainIsConvention: true,
    recommendedInitializer: 'glorotUniform',
    outputRange: [0, 1],
    saturation: { below: -SATURATION.sigmoid, above: SATURATION.sigmoid },
    kinks: [],
    producesProbabilities: true,
  },
});

const hardSigmoidEntry = declared({
  id: 'hardSigmoid',
  description: 'clip(x/6 + 1/2, 0, 1) (relu6(x + 3)/6, as PyTorch and Keras 3): a piecewise-linear sigmoid',
  // clip passes the gradient 1/6 inside [-3, 3] and 0 outside.
  forward: (x) => clip(affine(x, 1 / 6, 0.5), 0, 1),
  meta: {
    gain: VARIANCE_GAINS.hardSigmoid,
    recommendedInitializer: 'glorotUniform',
    outputRange: [0, 1],
    saturation: { below: -3, above: 3 },
    kinks: [-3, 3],
  },
});

const tanhEntry = declared({
  id: 'tanh',
  description: 'the hyperbolic tangent: zero-centred, in (-1, 1)',
  forward: (x) => tanh(x),
  // tanh'(x) = 1 − y², on the output.
  backward: ({ y, dy }) => mul(dy, affine(square(y), -1, 1)),
  meta: {
    fused: 'tanh',
    // PyTorch's 5/3; the variance-preserving gain is 1.593 (4.7% lower).
    gain: 5 / 3,
    gainIsConvention: true,
    recommendedInitializer: 'glorotUniform',
    outputRange: [-1, 1],
    saturation: { below: -SATURATION.tanh, above: SATURATION.tanh },
    kinks: [],
  },
});

/** 1/(1 + |x|) */
const softsignDenominator = (x: Tensor): Tensor => reciprocal(affine(abs(x), 1, 1));

const softsignEntry = declared({
  id: 'softsign',
  description: 'x/(1 + |x|): a tanh-like squashing with polynomial tails',
  forward: (x) => mul(x, softsignDenominator(x)),
  // f'(x) = 1/(1 + |x|)², from x (not 1 − |y|, which loses digits for large |x|).
  backward: ({ x, dy }) => mul(dy, square(softsignDenominator(x))),
  meta: {
    gain: VARIANCE_GAINS.softsign,
    recommendedInitializer: 'glorotUniform',
    outputRange: [-1, 1],
    saturation: { below: -SATURATION.softsign, above: SATURATION.softsign },
    kinks: [],
  },
});

// ---------------------------------------------------------------------------------------------
// Row-wise and identity
// ---------------------------------------------------------------------------------------------

const softmaxEntry = declared({
  id: 'softmax',
  description: 'eˣ / Σ eˣ along the last axis, max-subtracted: class probabilities',
  // @keel/tensor's softmax has the closed-form gradient y ⊙ (dy − Σ dy ⊙ y).
  forward: (x) => softmax(x, -1),
  meta: {
    // A row-wise function has no per-unit variance gain; 1 by convention (an output layer).
    gain: 1,
    gainIsConvention: true,
    recommendedInitializer: 'glorotUniform',
    outputRange: [0, 1],
    saturation: {},
    kinks: [],
    producesProbabilities: true,
    rowwise: true,
  },
});

const logSoftmaxEntry = declared({
  id: 'logSoftmax',
  description: 'x − log Σ eˣ along the last axis: log-probabilities, finite where softmax underflows',
  // @keel/tensor's logSoftmax has the closed-form gradient dy − softmax(x)·Σ dy.
  forward: (x) => logSoftmax(x, -1),
  meta: {
    gain: 1,
    gainIsConvention: true,
    recommendedInitializer: 'glorotUniform',
    outputRange: [-INF, 0],
    saturation: {},
    kinks: [],
    rowwise: true,
  },
});

const linearEntry = declared({
  id: 'linear',
  description: 'the identity: raw outputs (logits for a from-logits loss)',
  forward: (x) => x,
  meta: {
    fused: 'linear',
    gain: 1,
    recommendedInitializer: 'glorotUniform',
    outputRange: [-INF, INF],
    saturation: {},
    kinks: [],
  },
});

/**
 * Every built-in activation entry, in the order the README lists them. Each keeps its literal id,
 * so `BuiltinActivationId` (and the `RegisteredIds` keys) are derived from this list.
 */
export const builtinActivations = [
  reluEntry,
  leakyReluEntry,
  eluEntry,
  seluEntry,
  geluEntry,
  swishEntry,
  siluEntry,
  mishEntry,
  softplusEntry,
  sigmoidEntry,
  hardSigmoidEntry,
  tanhEntry,
  softsignEntry,
  softmaxEntry,
  logSoftmaxEntry,
  linearEntry,
] as const satisfies readonly ActivationEntry[];

/** The ids of Keel's built-in activations: `'relu' | 'leakyRelu' | ...`. */
export type BuiltinActivationId = IdsOf<typeof builtinActivations>;

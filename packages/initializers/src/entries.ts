import { declareOption, optionField, type IdsOf, type OptionField } from '@keel/registry';
import { Tensor, sizeOf } from '@keel/tensor';
import { InitializerConfigError, type InitializerConfig } from './config.js';
import type { InitContext, Initializer, InitializerEntry } from './initializer.js';
import { orthonormalColumns } from './orthogonal.js';
import { TRUNCATED_NORMAL_STD, filled, randomOf, sample, truncatedUnitNormal, uniformDraw } from './sampling.js';

export const FAN_MODES = ['fanIn', 'fanOut', 'fanAvg'] as const;
export const DISTRIBUTIONS = ['truncatedNormal', 'untruncatedNormal', 'uniform'] as const;
export type FanMode = (typeof FAN_MODES)[number];
export type Distribution = (typeof DISTRIBUTIONS)[number];

/** The fan a variance-scaling initializer divides by, checked (layers compute it; `fans(shape)` helps). */
function fanOf(id: string, context: InitContext, mode: FanMode): number {
  const need = mode === 'fanOut' ? (['fanOut'] as const) : mode === 'fanIn' ? (['fanIn'] as const) : (['fanIn', 'fanOut'] as const);
  for (const key of need) {
    const value = (context as Partial<InitContext> | undefined)?.[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InitializerConfigError(
        id,
        undefined,
        `initializer '${id}' needs context.${key}, a non-negative number (got ${String(value)}); fans(shape) computes fanIn and fanOut from a weight shape`,
      );
    }
  }
  return mode === 'fanIn' ? context.fanIn : mode === 'fanOut' ? context.fanOut : (context.fanIn + context.fanOut) / 2;
}

/**
 * Keras's VarianceScaling: variance scale / max(1, fan), where fan is fanIn, fanOut or their mean.
 * - 'truncatedNormal': a normal truncated at 2σ, σ = √(scale/fan) / 0.87962566103423978 so that
 *   the truncated values have standard deviation √(scale/fan) (0.8796… is the std of a unit
 *   normal truncated to [-2, 2]);
 * - 'untruncatedNormal': a normal with σ = √(scale/fan);
 * - 'uniform': uniform in [-limit, limit), limit = √(3·scale/fan) (also after rounding to float32).
 */
export function varianceScaling(id: string, scale: number, mode: FanMode, distribution: Distribution): Initializer {
  return (shape, context) => {
    const random = randomOf(id, context);
    const variance = scale / Math.max(1, fanOf(id, context, mode));
    if (distribution === 'truncatedNormal') {
      const std = Math.sqrt(variance) / TRUNCATED_NORMAL_STD;
      return sample(shape, context, random, (r) => std * truncatedUnitNormal(r));
    }
    if (distribution === 'untruncatedNormal') {
      const std = Math.sqrt(variance);
      return sample(shape, context, random, (r) => std * r.normal());
    }
    const limit = Math.sqrt(3 * variance);
    return sample(shape, context, random, uniformDraw(-limit, limit, context.dtype ?? 'float32'));
  };
}

const num = (config: InitializerConfig, key: string): number => config[key] as number;

// The options' checks; each entry declares its options once with them (check, description, default).
const finite: OptionField = { expected: 'a finite number', accepts: (v) => typeof v === 'number' && Number.isFinite(v) };
const nonNegative = optionField.number((v) => v >= 0, '>= 0');
const MEAN_STDDEV = {
  mean: declareOption(finite, 'the mean of the normal', 0),
  stddev: declareOption(nonNegative, 'the standard deviation of the normal', 0.05),
};

/** A built-in entry, its id kept as a literal type (`BuiltinInitializerId` is derived from them). */
function builtin<const Id extends string>(entry: InitializerEntry & { readonly id: Id }): InitializerEntry & { readonly id: Id } {
  return entry;
}

function preset<const Id extends string>(id: Id, description: string, scale: number, mode: FanMode, distribution: Distribution): InitializerEntry & { readonly id: Id } {
  return { id, description, options: {}, create: () => varianceScaling(id, scale, mode, distribution) };
}

const zeros = builtin({
  id: 'zeros',
  description: 'all 0 (the default for biases)',
  options: {},
  create: () => (shape, context) => filled(shape, context, 0),
});

const ones = builtin({
  id: 'ones',
  description: 'all 1 (e.g. a normalisation layer’s scale)',
  options: {},
  create: () => (shape, context) => filled(shape, context, 1),
});

const constant = builtin({
  id: 'constant',
  description: 'every element equal to value (default 0)',
  options: { value: declareOption(finite, 'the value of every element', 0) },
  create: (config) => (shape, context) => filled(shape, context, num(config, 'value')),
});

const uniform = builtin({
  id: 'uniform',
  description: 'uniform in [minval, maxval) (defaults -0.05, 0.05, as Keras’s RandomUniform)',
  options: {
    minval: declareOption(finite, 'the lower bound (drawn)', -0.05),
    maxval: declareOption(finite, 'the upper bound (never drawn); above minval', 0.05),
  },
  create: (config) => {
    const minval = num(config, 'minval');
    const maxval = num(config, 'maxval');
    if (!(minval < maxval)) {
      throw new InitializerConfigError('uniform', 'minval', `initializer 'uniform': minval (${minval}) must be below maxval (${maxval})`);
    }
    return (shape, context) => sample(shape, context, randomOf('uniform', context), uniformDraw(minval, maxval, context.dtype ?? 'float32'));
  },
});

const normal = builtin({
  id: 'normal',
  description: 'normal with mean and stddev (defaults 0, 0.05, as Keras’s RandomNormal)',
  options: MEAN_STDDEV,
  create: (config) => {
    const mean = num(config, 'mean');
    const stddev = num(config, 'stddev');
    return (shape, context) => sample(shape, context, randomOf('normal', context), (r) => mean + stddev * r.normal());
  },
});

const truncatedNormal = builtin({
  id: 'truncatedNormal',
  description:
    'normal with mean and stddev, redrawn beyond 2·stddev from the mean (defaults 0, 0.05, as Keras’s TruncatedNormal; the values’ std is 0.88·stddev)',
  options: MEAN_STDDEV,
  create: (config) => {
    const mean = num(config, 'mean');
    const stddev = num(config, 'stddev');
    return (shape, context) => sample(shape, context, randomOf('truncatedNormal', context), (r) => mean + stddev * truncatedUnitNormal(r));
  },
});

const varianceScalingEntry = builtin({
  id: 'varianceScaling',
  description:
    "Keras's VarianceScaling: variance scale/fan (scale > 0; mode 'fanIn' | 'fanOut' | 'fanAvg'; distribution 'truncatedNormal' | 'untruncatedNormal' | 'uniform')",
  options: {
    scale: declareOption(optionField.number((v) => v > 0, '> 0'), 'the variance is scale/fan', 1),
    mode: declareOption(optionField.choice(FAN_MODES), 'the fan: fanIn, fanOut or their mean fanAvg', 'fanIn'),
    distribution: declareOption(optionField.choice(DISTRIBUTIONS), 'the distribution drawn from, with that variance', 'truncatedNormal'),
  },
  create: (config) => varianceScaling('varianceScaling', num(config, 'scale'), config.mode as FanMode, config.distribution as Distribution),
});

const orthogonal = builtin({
  id: 'orthogonal',
  description:
    'a (semi-)orthogonal matrix times gain (default 1): shape [..., n] is filled as a [prod(leading dims), n] matrix with orthonormal columns (or rows, when it is wide)',
  options: { gain: declareOption(finite, 'the factor the orthogonal matrix is multiplied by', 1) },
  create: (config) => {
    const gain = num(config, 'gain');
    return (shape, context) => {
      if (shape.length < 2) {
        throw new InitializerConfigError('orthogonal', undefined, `initializer 'orthogonal' needs a shape of rank 2 or more, got [${shape.join(', ')}]`);
      }
      const random = randomOf('orthogonal', context);
      const cols = shape[shape.length - 1];
      const rows = sizeOf(shape) / Math.max(cols, 1);
      const dtype = context.dtype ?? 'float32';
      const out = dtype === 'float64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
      if (rows > 0 && cols > 0) {
        // Keras: QR of a [max, min] normal matrix, transposed when the weight is wide.
        const tall = rows >= cols;
        const q = orthonormalColumns(Math.max(rows, cols), Math.min(rows, cols), random);
        const inner = Math.min(rows, cols);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? q[i * inner + j] : q[j * inner + i]);
        }
      }
      return Tensor.fromValues(out, shape, dtype);
    };
  },
});

/** Every built-in initializer entry. */
export const builtinInitializers = [
  zeros,
  ones,
  constant,
  uniform,
  normal,
  truncatedNormal,
  preset('glorotUniform', 'Glorot (Xavier) uniform: limit √(6/(fanIn + fanOut)); for tanh, sigmoid, softmax and linear outputs', 1, 'fanAvg', 'uniform'),
  preset('glorotNormal', 'Glorot (Xavier) normal: truncated at 2σ, std √(2/(fanIn + fanOut))', 1, 'fanAvg', 'truncatedNormal'),
  preset('heUniform', 'He (Kaiming) uniform: limit √(6/fanIn)', 2, 'fanIn', 'uniform'),
  preset('heNormal', 'He (Kaiming) normal: truncated at 2σ, std √(2/fanIn); for the relu family', 2, 'fanIn', 'truncatedNormal'),
  preset('lecunUniform', 'LeCun uniform: limit √(3/fanIn)', 1, 'fanIn', 'uniform'),
  preset('lecunNormal', 'LeCun normal: truncated at 2σ, std √(1/fanIn); for selu', 1, 'fanIn', 'truncatedNormal'),
  orthogonal,
  varianceScalingEntry,
] as const satisfies readonly InitializerEntry[];

/** The ids of Keel's built-in initializers: `'zeros' | 'ones' | ...`. */
export type BuiltinInitializerId = IdsOf<typeof builtinInitializers>;

import { allocate, isDType, type DType, type TypedArray } from '../dtype.js';
import { engine } from '../engine.js';
import { TensorError } from '../errors.js';
import { Random } from '../random.js';
import { checkShape, sizeOf, type Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { checkFinite, flattenNested } from './convert.js';

export interface CreationOptions {
  dtype?: DType;
  /** Accept NaN and ±Infinity in the data (they are rejected by default). */
  allowNonFinite?: boolean;
  /** Mark the result as a leaf that receives gradients. */
  requiresGrad?: boolean;
}

function make(op: string, values: TypedArray, shape: Shape, options: CreationOptions): Tensor {
  const dtype = options.dtype ?? 'float32';
  if (options.dtype !== undefined && !isDType(options.dtype)) {
    throw new TensorError(op, `unknown dtype '${String(options.dtype)}'; use 'float32' or 'float64'`);
  }
  checkShape(op, shape);
  const t = Tensor.fromValues(values, shape, dtype, engine.backend);
  if (options.requiresGrad === true) t.requiresGrad = true;
  return t;
}

/**
 * A tensor from nested arrays (`tensor([[1, 2], [3, 4]])`) or flat data and a shape
 * (`tensor(float32Array, [2, 2])`). Typed arrays are copied.
 */
export function tensor(data: NestedArray | ArrayLike<number>, shape?: Shape, options: CreationOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float32';
  let values: ArrayLike<number>;
  let inferred: number[];
  if (typeof data === 'number' || Array.isArray(data)) {
    ({ values, shape: inferred } = flattenNested('tensor', data));
  } else {
    values = data;
    inferred = [data.length];
  }
  const finalShape = shape ?? inferred;
  checkShape('tensor', finalShape);
  if (sizeOf(finalShape) !== values.length) {
    throw new TensorError('tensor', `${values.length} values do not fill shape [${finalShape.join(', ')}] (${sizeOf(finalShape)} needed)`);
  }
  if (options.allowNonFinite !== true) checkFinite('tensor', values);
  const typed = allocate(dtype, values.length);
  typed.set(values);
  return make('tensor', typed, finalShape, options);
}

export function scalar(value: number, options: CreationOptions = {}): Tensor {
  return tensor(value, [], options);
}

export function full(shape: Shape, value: number, options: CreationOptions = {}): Tensor {
  if (options.allowNonFinite !== true && !Number.isFinite(value)) {
    throw new TensorError('full', `fill value ${String(value)} is not finite (pass { allowNonFinite: true } if that is intended)`);
  }
  checkShape('full', shape);
  const values = allocate(options.dtype ?? 'float32', sizeOf(shape));
  if (value !== 0) values.fill(value);
  return make('full', values, shape, options);
}

export function zeros(shape: Shape, options: CreationOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: CreationOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, { dtype: t.dtype });
}

export function onesLike(t: Tensor): Tensor {
  return ones(t.shape, { dtype: t.dtype });
}

/** start, start + step, ... below stop (like NumPy). `arange(5)` is 0..4. */
export function arange(start: number, stop?: number, step = 1, options: CreationOptions = {}): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new TensorError('arange', `step must be a finite non-zero number, got ${step}`);
  const count = Math.max(0, Math.ceil((to - from) / step));
  const values = allocate(options.dtype ?? 'float32', count);
  for (let i = 0; i < count; i++) values[i] = from + i * step;
  return make('arange', values, [count], options);
}

/** The n × m identity (m defaults to n). */
export function eye(n: number, m = n, options: CreationOptions = {}): Tensor {
  const values = allocate(options.dtype ?? 'float32', n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return make('eye', values, [n, m], options);
}

/** The generator used when no seed or generator is given; `setSeed` reseeds it. */
export const globalRandom = new Random(0);

export function setSeed(seed: number): void {
  globalRandom.seed(seed);
}

export interface RandomOptions extends CreationOptions {
  /** A seed for a fresh generator, so the numbers depend on nothing else. */
  seed?: number;
  /** Or an explicit generator to draw from. */
  random?: Random;
}

function generatorOf(options: RandomOptions): Random {
  return options.random ?? (options.seed !== undefined ? new Random(options.seed) : globalRandom);
}

function sample(op: string, shape: Shape, options: RandomOptions, draw: (random: Random) => number): Tensor {
  checkShape(op, shape);
  const random = generatorOf(options);
  const values = allocate(options.dtype ?? 'float32', sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = draw(random);
  return make(op, values, shape, options);
}

/** The largest float32 strictly below x. */
function float32Below(x: number): number {
  const box = new Float32Array([x]);
  if (box[0] < x) return box[0];
  const bits = new Uint32Array(box.buffer);
  if (box[0] === 0) bits[0] = 0x80000001;
  else if (box[0] > 0) bits[0] -= 1;
  else bits[0] += 1;
  return box[0];
}

/** Uniform in [low, high). */
export function uniform(shape: Shape, low = 0, high = 1, options: RandomOptions = {}): Tensor {
  // Rounding a draw just below `high` to float32 can land on `high` itself: keep the interval half-open.
  const below = float32Below(high);
  const top = (options.dtype ?? 'float32') === 'float32' && below >= low ? below : high;
  return sample('uniform', shape, options, (random) => {
    const v = random.uniform(low, high);
    return v > top ? top : v;
  });
}

export function normal(shape: Shape, mean = 0, std = 1, options: RandomOptions = {}): Tensor {
  return sample('normal', shape, options, (random) => random.normal(mean, std));
}

/** Uniform in [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  return uniform(shape, 0, 1, options);
}

/** Standard normal. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  return normal(shape, 0, 1, options);
}

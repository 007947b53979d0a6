import { Tensor, sizeOf, type Random } from '@keel/tensor';
import { InitializerConfigError } from './config.js';
import type { InitContext } from './initializer.js';

/** Keras's correction: the std of a unit normal truncated to [-2, 2] is 0.87962566103423978. */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

export type Draw = (random: Random) => number;

/** A unit normal truncated to ±2: draws beyond 2σ are discarded and drawn again (as Keras and TensorFlow do). */
export function truncatedUnitNormal(random: Random): number {
  for (;;) {
    const z = random.normal();
    if (Math.abs(z) <= 2) return z;
  }
}

/** The generator of a context, checked: every random initializer draws from it, nothing else. */
export function randomOf(id: string, context: InitContext): Random {
  const random = (context as Partial<InitContext> | undefined)?.random as Partial<Random> | undefined;
  if (typeof random?.normal !== 'function' || typeof random.uniform !== 'function') {
    throw new InitializerConfigError(id, undefined, `initializer '${id}' needs context.random, a Random from @keel/tensor (seeded by the model, so weights are reproducible)`);
  }
  return random as Random;
}

/** A tensor of `shape` filled with `draw(random)`, element after element in row-major order. */
export function sample(shape: readonly number[], context: InitContext, random: Random, draw: Draw): Tensor {
  const dtype = context.dtype ?? 'float32';
  const values = dtype === 'float64' ? new Float64Array(sizeOf(shape)) : new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = draw(random);
  return Tensor.fromValues(values, shape, dtype);
}

/** A tensor of `shape` filled with one value. */
export function filled(shape: readonly number[], context: InitContext, value: number): Tensor {
  const dtype = context.dtype ?? 'float32';
  const values = dtype === 'float64' ? new Float64Array(sizeOf(shape)) : new Float32Array(sizeOf(shape));
  if (value !== 0) values.fill(value);
  return Tensor.fromValues(values, shape, dtype);
}

const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

/** The float32 next to `x` (a float32) towards +∞ (`up`) or −∞. */
function nextFloat32(x: number, up: boolean): number {
  if (x === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45;
  f32[0] = x;
  bits[0] += x > 0 === up ? 1 : -1;
  return f32[0];
}

/**
 * A uniform draw in [low, high) that stays there once stored in `dtype`: rounding a float64 draw
 * to float32 could land on `high` (or below `low`), so float32 draws are clamped to the float32
 * values inside the interval.
 */
export function uniformDraw(low: number, high: number, dtype: 'float32' | 'float64'): Draw {
  if (dtype === 'float64') return (random) => random.uniform(low, high);
  const roundedLow = Math.fround(low);
  const roundedHigh = Math.fround(high);
  const bottom = roundedLow >= low ? roundedLow : nextFloat32(roundedLow, true);
  const top = roundedHigh < high ? roundedHigh : nextFloat32(roundedHigh, false);
  if (!(bottom <= top)) return (random) => random.uniform(low, high);
  return (random) => {
    const v = random.uniform(low, high);
    return v < bottom ? bottom : v > top ? top : v;
  };
}

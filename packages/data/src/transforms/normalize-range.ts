import { numbersArgument } from '../arguments.js';

/**
 * Maps [min, max] linearly onto [0, 1] (pixels: `normalizeRange(images, 0, 255)`). Unscaled
 * inputs are a classic cause of saturated activations and a stalled loss. Values outside the range are not clamped.
 */
export function normalizeRange(data: ArrayLike<number>, min: number, max: number): Float32Array {
  numbersArgument('normalizeRange(data)', data);
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) {
    throw new RangeError(`normalizeRange needs finite min < max, got min ${min} and max ${max}`);
  }
  const scale = 1 / (max - min);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - min) * scale;
  return out;
}

// Naive float64 reference implementations and assertions shared by the tensor tests.
// Nothing here calls the code under test except to read a tensor's values and shape.
import { expect } from 'vitest';
import { gradcheck, Random, tensor, type GradcheckOptions, type Tensor } from '../src/index.js';

export type Shape = readonly number[];

/** A reference result: flat row-major values and a shape. */
export interface Ref {
  readonly values: number[];
  readonly shape: number[];
}

export function size(shape: Shape): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Row-major flat index → coordinates. */
export function coordsOf(index: number, shape: Shape): number[] {
  const coords = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    coords[axis] = rest % shape[axis];
    rest = Math.floor(rest / shape[axis]);
  }
  return coords;
}

/** Coordinates → row-major flat index. */
export function indexOf(coords: readonly number[], shape: Shape): number {
  let index = 0;
  for (let axis = 0; axis < shape.length; axis++) index = index * shape[axis] + coords[axis];
  return index;
}

/** Seeded uniform numbers in [low, high). */
export function randomValues(random: Random, count: number, low = -1, high = 1): number[] {
  return Array.from({ length: count }, () => random.uniform(low, high));
}

/** Seeded numbers whose magnitude lies in [minAbs, maxAbs], random sign: away from kinks at 0. */
export function awayFromZero(random: Random, count: number, minAbs = 0.2, maxAbs = 1.5): number[] {
  return Array.from({ length: count }, () => (random.next() < 0.5 ? -1 : 1) * random.uniform(minAbs, maxAbs));
}

/** Distinct values (a shuffled, jittered grid): no ties for max/min/argmax. */
export function distinctValues(random: Random, count: number, spacing = 0.25): number[] {
  const values = Array.from({ length: count }, (_, i) => (i - count / 2) * spacing + random.uniform(0, spacing / 4));
  return random.shuffle(values);
}

export const f32 = (values: readonly number[]): number[] => values.map((v) => Math.fround(v));

/** A float64 tensor of seeded values (for gradcheck). */
export function randomTensor64(random: Random, shape: Shape, low = -1, high = 1): Tensor {
  return tensor(randomValues(random, size(shape), low, high), [...shape], { dtype: 'float64' });
}

/** A float32 tensor of seeded values, and the same values (rounded to float32) for the reference. */
export function randomTensor32(random: Random, shape: Shape, low = -1, high = 1): { t: Tensor; values: number[] } {
  const values = f32(randomValues(random, size(shape), low, high));
  return { t: tensor(values, [...shape]), values };
}

/** NumPy broadcasting of two shapes, or undefined if they do not broadcast. */
export function broadcastShape(a: Shape, b: Shape): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The flat index into an operand of `shape` that output coordinates (of a higher rank) read. */
export function broadcastIndex(outCoords: readonly number[], shape: Shape): number {
  const lead = outCoords.length - shape.length;
  const coords = shape.map((dim, i) => (dim === 1 ? 0 : outCoords[lead + i]));
  return indexOf(coords, shape);
}

export function refBinary(a: readonly number[], aShape: Shape, b: readonly number[], bShape: Shape, fn: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(aShape, bShape);
  if (shape === undefined) throw new Error(`reference: ${JSON.stringify(aShape)} and ${JSON.stringify(bShape)} do not broadcast`);
  const values = Array.from({ length: size(shape) }, (_, i) => {
    const c = coordsOf(i, shape);
    return fn(a[broadcastIndex(c, aShape)], b[broadcastIndex(c, bShape)]);
  });
  return { values, shape };
}

/** Reduces `axes` (sorted, non-negative) with `reducer` over the gathered values of each output cell. */
export function refReduce(values: readonly number[], shape: Shape, axes: readonly number[], keepDims: boolean, reducer: (xs: number[]) => number): Ref {
  const outFull = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: size(outFull) }, () => []);
  for (let i = 0; i < values.length; i++) {
    const c = coordsOf(i, shape).map((v, axis) => (axes.includes(axis) ? 0 : v));
    groups[indexOf(c, outFull)].push(values[i]);
  }
  const outShape = keepDims ? outFull : shape.filter((_, i) => !axes.includes(i));
  return { values: groups.map(reducer), shape: outShape };
}

/** Every subset of 0..rank-1 (as sorted arrays), including the empty one. */
export function allAxisSubsets(rank: number): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << rank; mask++) {
    subsets.push(Array.from({ length: rank }, (_, i) => i).filter((i) => (mask & (1 << i)) !== 0));
  }
  return subsets;
}

/** Triple-loop matmul with optional transposes and broadcast batch dims. */
export function refMatmul(a: readonly number[], aShape: Shape, b: readonly number[], bShape: Shape, transposeA = false, transposeB = false): Ref {
  const ra = aShape.length;
  const rb = bShape.length;
  const [aRows, aCols] = [aShape[ra - 2], aShape[ra - 1]];
  const [bRows, bCols] = [bShape[rb - 2], bShape[rb - 1]];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShape(aBatch, bBatch);
  if (batch === undefined) throw new Error('reference: batch dims do not broadcast');
  const out: number[] = [];
  for (let t = 0; t < size(batch); t++) {
    const c = coordsOf(t, batch);
    const aBase = broadcastIndex(c, aBatch) * aRows * aCols;
    const bBase = broadcastIndex(c, bBatch) * bRows * bCols;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transposeA ? a[aBase + p * aCols + i] : a[aBase + i * aCols + p];
          const bv = transposeB ? b[bBase + j * bCols + p] : b[bBase + p * bCols + j];
          s += av * bv;
        }
        out.push(s);
      }
    }
  }
  return { values: out, shape: [...batch, m, n] };
}

/** TensorFlow's padding rule: output size and the padding before (top/left). */
export function refWindow(inSize: number, kernel: number, stride: number, padding: 'same' | 'valid' | number): { out: number; before: number } {
  if (padding === 'same') {
    const out = Math.ceil(inSize / stride);
    const total = Math.max(0, (out - 1) * stride + kernel - inSize);
    return { out, before: Math.floor(total / 2) };
  }
  const p = padding === 'valid' ? 0 : padding;
  return { out: Math.floor((inSize + 2 * p - kernel) / stride) + 1, before: p };
}

/** Direct NHWC convolution (cross-correlation) with a [kh, kw, in, out] filter. */
export function refConv2d(
  x: readonly number[], xShape: Shape, w: readonly number[], wShape: Shape,
  strides: [number, number], padding: 'same' | 'valid' | number,
): Ref {
  const [batch, height, width, inC] = xShape;
  const [kh, kw, , outC] = wShape;
  const gh = refWindow(height, kh, strides[0], padding);
  const gw = refWindow(width, kw, strides[1], padding);
  const out: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < gh.out; oy++) {
      for (let ox = 0; ox < gw.out; ox++) {
        for (let o = 0; o < outC; o++) {
          let s = 0;
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * strides[0] + ky - gh.before;
              const ix = ox * strides[1] + kx - gw.before;
              if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
              for (let c = 0; c < inC; c++) s += x[indexOf([n, iy, ix, c], xShape)] * w[indexOf([ky, kx, c, o], wShape)];
            }
          }
          out.push(s);
        }
      }
    }
  }
  return { values: out, shape: [batch, gh.out, gw.out, outC] };
}

/** Max or mean over each in-image window tap (padding not counted). */
export function refPool(
  x: readonly number[], xShape: Shape, kernel: [number, number], strides: [number, number],
  padding: 'same' | 'valid' | number, kind: 'max' | 'avg',
): Ref {
  const [batch, height, width, channels] = xShape;
  const gh = refWindow(height, kernel[0], strides[0], padding);
  const gw = refWindow(width, kernel[1], strides[1], padding);
  const out: number[] = [];
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < gh.out; oy++) {
      for (let ox = 0; ox < gw.out; ox++) {
        for (let c = 0; c < channels; c++) {
          const taps: number[] = [];
          for (let ky = 0; ky < kernel[0]; ky++) {
            for (let kx = 0; kx < kernel[1]; kx++) {
              const iy = oy * strides[0] + ky - gh.before;
              const ix = ox * strides[1] + kx - gw.before;
              if (iy >= 0 && iy < height && ix >= 0 && ix < width) taps.push(x[indexOf([n, iy, ix, c], xShape)]);
            }
          }
          out.push(kind === 'max' ? Math.max(...taps) : taps.reduce((p, v) => p + v, 0) / taps.length);
        }
      }
    }
  }
  return { values: out, shape: [batch, gh.out, gw.out, channels] };
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
}

/** Checks a tensor's shape and values against a reference, elementwise within atol + rtol·|expected|. */
export function expectClose(actual: Tensor, expected: Ref | readonly number[], options: CloseOptions = {}): void {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-6;
  const values = Array.isArray(expected) ? (expected as readonly number[]) : (expected as Ref).values;
  if (!Array.isArray(expected)) expect([...actual.shape]).toEqual((expected as Ref).shape);
  expect(actual.size).toBe(values.length);
  const got = actual.values;
  for (let i = 0; i < values.length; i++) {
    const e = values[i];
    const g = got[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(g, e)) expect.fail(`element ${i}: expected ${e}, got ${g}`);
      continue;
    }
    if (!(Math.abs(g - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`element ${i} of shape [${actual.shape.join(', ')}]: expected ${e}, got ${g} (|diff| ${Math.abs(g - e)})`);
    }
  }
}

/** Runs gradcheck and fails with its message when it does not pass. */
export function expectGradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): void {
  const result = gradcheck(f, inputs, options);
  expect(result.ok, result.message).toBe(true);
}

/** The error `fn` throws (fails the test if it throws nothing). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`a non-Error was thrown: ${String(error)}`);
  }
  throw new Error('expected an error, nothing was thrown');
}

export { Random };

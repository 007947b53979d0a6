import type { KernelFn } from '../../backend/backend.js';
import { promote, type TypedArray } from '../../dtype.js';
import { broadcastShapes, sizeOf, type Shape } from '../../shape.js';
import { allocate, broadcastStrides, jsTensor } from './util.js';

type Binary = (a: number, b: number) => number;

export const binaryFunctions: Readonly<Record<string, Binary>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

type SameShapeLoop = (a: TypedArray, b: TypedArray, out: TypedArray) => void;

/** Direct loops for the hottest ops on equal shapes: no call per element. */
const sameShapeLoops: Readonly<Record<string, SameShapeLoop>> = {
  add: (a, b, out) => {
    for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
  },
  sub: (a, b, out) => {
    for (let i = 0; i < out.length; i++) out[i] = a[i] - b[i];
  },
  mul: (a, b, out) => {
    for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i];
  },
  div: (a, b, out) => {
    for (let i = 0; i < out.length; i++) out[i] = a[i] / b[i];
  },
};

/**
 * Calls `visit(outIndex, aIndex, bIndex)` for every element of the broadcast result,
 * walking the last axis in an inner loop.
 */
function forEachBroadcast(aShape: Shape, bShape: Shape, outShape: Shape, visit: (o: number, a: number, b: number) => void): void {
  const rank = outShape.length;
  const aStrides = broadcastStrides(aShape, outShape);
  const bStrides = broadcastStrides(bShape, outShape);
  const inner = rank === 0 ? 1 : outShape[rank - 1];
  const aInner = rank === 0 ? 0 : aStrides[rank - 1];
  const bInner = rank === 0 ? 0 : bStrides[rank - 1];
  const outer = inner === 0 ? 0 : sizeOf(outShape) / inner;
  const counter = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let aBase = 0;
  let bBase = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) visit(o * inner + j, aBase + j * aInner, bBase + j * bInner);
    // advance the multi-index over the outer axes
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      aBase += aStrides[axis];
      bBase += bStrides[axis];
      if (counter[axis] < outShape[axis]) break;
      aBase -= aStrides[axis] * outShape[axis];
      bBase -= bStrides[axis] * outShape[axis];
      counter[axis] = 0;
    }
  }
}

/** An elementwise kernel with NumPy broadcasting, with direct loops for the common layouts. */
export function binaryKernel(op: string, fn: Binary): KernelFn {
  return ([a, b]) => {
    const shape = broadcastShapes(op, a.shape, b.shape);
    const dtype = promote(a.dtype, b.dtype);
    const av = a.borrowValues();
    const bv = b.borrowValues();
    const out = allocate(dtype, sizeOf(shape));
    const direct = sameShapeLoops[op];
    if (a.size === out.length && b.size === out.length && direct !== undefined) {
      direct(av, bv, out);
    } else if (a.size === out.length && b.size === out.length) {
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i], bv[i]);
    } else if (b.size === 1 && a.size === out.length) {
      const s = bv[0];
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i], s);
    } else if (a.size === 1 && b.size === out.length) {
      const s = av[0];
      for (let i = 0; i < out.length; i++) out[i] = fn(s, bv[i]);
    } else if (a.size === out.length && isTrailingRow(b.shape, shape)) {
      rowBroadcast(av, bv, out, b.size, fn);
    } else {
      forEachBroadcast(a.shape, b.shape, shape, (o, i, j) => {
        out[o] = fn(av[i], bv[j]);
      });
    }
    return jsTensor(out, shape, dtype);
  };
}

/** b is a row ([n] or [1, n]) repeated over the leading axes of the output: the bias case. */
function isTrailingRow(bShape: Shape, outShape: Shape): boolean {
  const n = bShape.length === 0 ? 1 : bShape[bShape.length - 1];
  return n === outShape[outShape.length - 1] && sizeOf(bShape) === n;
}

function rowBroadcast(av: TypedArray, bv: TypedArray, out: TypedArray, n: number, fn: Binary): void {
  for (let base = 0; base < out.length; base += n) {
    for (let j = 0; j < n; j++) out[base + j] = fn(av[base + j], bv[j]);
  }
}

/** `where(cond, a, b)`: a where cond is non-zero, else b; all three broadcast. */
export const whereKernel: KernelFn = ([cond, a, b]) => {
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
  const dtype = promote(a.dtype, b.dtype);
  const cv = cond.borrowValues();
  const av = a.borrowValues();
  const bv = b.borrowValues();
  const out = allocate(dtype, sizeOf(shape));
  const cStrides = broadcastStrides(cond.shape, shape);
  const aStrides = broadcastStrides(a.shape, shape);
  const bStrides = broadcastStrides(b.shape, shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let ci = 0;
    let ai = 0;
    let bi = 0;
    for (let axis = 0; axis < shape.length; axis++) {
      ci += index[axis] * cStrides[axis];
      ai += index[axis] * aStrides[axis];
      bi += index[axis] * bStrides[axis];
    }
    out[o] = cv[ci] !== 0 ? av[ai] : bv[bi];
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return jsTensor(out, shape, dtype);
};

import { promote, type TypedArray } from '../../dtype.js';
import { broadcastShapes, sizeOf, type Shape } from '../../shape.js';
import type { BinaryOp } from '../../op-signatures.js';
import { allocate, broadcastStrides, host, type JsKernel } from './util.js';

type Binary = (a: number, b: number) => number;

export const binaryFunctions: Readonly<Record<BinaryOp, Binary>> = {
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
export function binaryKernel(op: BinaryOp, fn: Binary): JsKernel<BinaryOp> {
  return ([a, b]) => {
    const shape = broadcastShapes(op, a.shape, b.shape);
    const dtype = promote(a.dtype, b.dtype);
    const av = a.data;
    const bv = b.data;
    const out = allocate(dtype, sizeOf(shape));
    const direct = sameShapeLoops[op];
    if (a.data.length === out.length && b.data.length === out.length && direct !== undefined) {
      direct(av, bv, out);
    } else if (a.data.length === out.length && b.data.length === out.length) {
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i], bv[i]);
    } else if (b.data.length === 1 && a.data.length === out.length) {
      const s = bv[0];
      for (let i = 0; i < out.length; i++) out[i] = fn(av[i], s);
    } else if (a.data.length === 1 && b.data.length === out.length) {
      const s = av[0];
      for (let i = 0; i < out.length; i++) out[i] = fn(s, bv[i]);
    } else if (a.data.length === out.length && isTrailingRow(b.shape, shape)) {
      rowBroadcast(av, bv, out, b.data.length, fn);
    } else {
      forEachBroadcast(a.shape, b.shape, shape, (o, i, j) => {
        out[o] = fn(av[i], bv[j]);
      });
    }
    return host(out, shape, dtype);
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
export const whereKernel: JsKernel<'where'> = ([cond, a, b]) => {
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
  const dtype = promote(a.dtype, b.dtype);
  const cv = cond.data;
  const av = a.data;
  const bv = b.data;
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
  return host(out, shape, dtype);
};

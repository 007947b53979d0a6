import type { TypedArray } from '../../dtype.js';
import { reducedShape, sizeOf } from '../../shape.js';
import { permuteValues } from './layout.js';
import type { ReduceOp } from '../../op-signatures.js';
import { allocate, host, type JsKernel } from './util.js';

/**
 * Views a reduction as [outer, reduced, inner] blocks. When the reduced axes are not
 * contiguous the input is first permuted so that they are (kept axes first).
 */
function blocks(values: TypedArray, shape: readonly number[], axes: readonly number[], dtype: 'float32' | 'float64') {
  const contiguous = axes.every((axis, i) => i === 0 || axis === axes[i - 1] + 1);
  if (contiguous && axes.length > 0) {
    const first = axes[0];
    const last = axes[axes.length - 1];
    return {
      values,
      outer: sizeOf(shape.slice(0, first)),
      reduced: sizeOf(shape.slice(first, last + 1)),
      inner: sizeOf(shape.slice(last + 1)),
    };
  }
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const permuted = permuteValues(values, shape, [...kept, ...axes], dtype);
  return { values: permuted, outer: sizeOf(kept.map((i) => shape[i])), reduced: sizeOf(axes.map((i) => shape[i])), inner: 1 };
}

type Reducer = ReduceOp;

export function reduceKernel(kind: Reducer): JsKernel<Reducer> {
  return ([x], attrs) => {
    const axes = attrs.axes;
    const keepDims = attrs.keepDims;
    const { values, outer, reduced, inner } = blocks(x.data, x.shape, axes, x.dtype);
    const out = allocate(x.dtype, outer * inner);
    // Sums and products accumulate in float64: a float32 running sum stops counting at 2^24.
    const acc = x.dtype === 'float32' && (kind === 'sum' || kind === 'prod') ? new Float64Array(out.length) : out;
    for (let o = 0; o < outer; o++) {
      const target = o * inner;
      const start = o * reduced * inner;
      if (kind === 'sum') {
        // Rows are added in order, walking memory sequentially.
        for (let r = 0; r < reduced; r++) {
          const row = start + r * inner;
          for (let i = 0; i < inner; i++) acc[target + i] += values[row + i];
        }
      } else if (kind === 'prod') {
        for (let i = 0; i < inner; i++) acc[target + i] = 1;
        for (let r = 0; r < reduced; r++) {
          const row = start + r * inner;
          for (let i = 0; i < inner; i++) acc[target + i] *= values[row + i];
        }
      } else {
        const better = kind === 'max' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
        for (let i = 0; i < inner; i++) {
          let best = values[start + i];
          for (let r = 1; r < reduced; r++) {
            const v = values[start + r * inner + i];
            if (better(v, best) || Number.isNaN(v)) best = v;
            if (Number.isNaN(best)) break;
          }
          out[target + i] = reduced === 0 ? (kind === 'max' ? -Infinity : Infinity) : best;
        }
      }
    }
    if (acc !== out) out.set(acc);
    return host(out, reducedShape(x.shape, axes, keepDims), x.dtype);
  };
}

/** Index of the largest (or smallest) value along one axis; ties go to the first. */
export function argReduceKernel(kind: 'max' | 'min'): JsKernel<'argmax' | 'argmin'> {
  return ([x], attrs) => {
    const axis = attrs.axis;
    const keepDims = attrs.keepDims;
    const { values, outer, reduced, inner } = blocks(x.data, x.shape, [axis], x.dtype);
    const out = allocate(x.dtype, outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const start = o * reduced * inner + i;
        let best = values[start];
        let bestIndex = 0;
        for (let r = 1; r < reduced; r++) {
          const v = values[start + r * inner];
          if (kind === 'max' ? v > best : v < best) {
            best = v;
            bestIndex = r;
          }
        }
        out[o * inner + i] = bestIndex;
      }
    }
    return host(out, reducedShape(x.shape, [axis], keepDims), x.dtype);
  };
}

import { sizeOf, type ReduceOp, type Shape } from '@keel/tensor';
import type { NativeBackend } from '../backend.js';
import { Reduce } from './codes.js';
import { permutedStrides, walkGeometry } from './geometry.js';
import { f32, kernel, type NativeBody, type NativeRecord } from './kernel.js';

function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((dim, axis) => {
    if (!axes.includes(axis)) out.push(dim);
    else if (keepDims) out.push(1);
  });
  return out;
}

interface Blocks {
  readonly values: Float32Array;
  readonly outer: number;
  readonly reduced: number;
  readonly inner: number;
}

/**
 * x as [outer, reduced, inner] blocks. Contiguous axes are a view of x itself; otherwise x is
 * first permuted (kept axes first, one strided copy), as the reference does.
 */
function blocks(backend: NativeBackend, x: NativeRecord, axes: readonly number[]): Blocks | undefined {
  const contiguous = axes.every((axis, i) => i === 0 || axis === axes[i - 1] + 1);
  if (contiguous && axes.length > 0) {
    const first = axes[0];
    const last = axes[axes.length - 1];
    return { values: f32(x), outer: sizeOf(x.shape.slice(0, first)), reduced: sizeOf(x.shape.slice(first, last + 1)), inner: sizeOf(x.shape.slice(last + 1)) };
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const shape = perm.map((axis) => x.shape[axis]);
  const geometry = walkGeometry(shape, [permutedStrides(x.shape, perm)]);
  if (geometry === undefined) return undefined;
  const { values } = backend.output(shape);
  if (values.length > 0) backend.addon.stridedCopy(f32(x), values, geometry);
  return { values, outer: sizeOf(kept.map((i) => x.shape[i])), reduced: sizeOf(axes.map((i) => x.shape[i])), inner: 1 };
}

export function reduceKernel(op: ReduceOp): NativeBody<ReduceOp> {
  const code = Reduce[op];
  return kernel(op, (backend, [x], attrs) => {
    const axes = attrs.axes;
    const b = blocks(backend, x, axes);
    if (b === undefined) return undefined;
    const { record, values } = backend.output(reducedShape(x.shape, axes, attrs.keepDims));
    backend.addon.reduce(code, b.values, values, b.outer, b.reduced, b.inner);
    return record;
  });
}

/** Index of the largest (smallest) value along one axis; ties go to the first. */
export function argReduceKernel(kind: 'max' | 'min'): NativeBody<'argmax' | 'argmin'> {
  return kernel(kind === 'max' ? 'argmax' : 'argmin', (backend, [x], attrs) => {
    const axis = attrs.axis;
    const { record, values } = backend.output(reducedShape(x.shape, [axis], attrs.keepDims));
    backend.addon.argReduce(Reduce[kind], f32(x), values, sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1)));
    return record;
  });
}

/** softmax or logSoftmax along one axis. */
export function softmaxKernel(log: boolean): NativeBody<'softmax' | 'logSoftmax'> {
  return kernel(log ? 'logSoftmax' : 'softmax', (backend, [x], attrs) => {
    const axis = attrs.axis;
    const { record, values } = backend.output(x.shape);
    backend.addon.softmax(log, f32(x), values, sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1)));
    return record;
  });
}

import { broadcastStrides, shapesEqual, sizeOf, stridesOf, type Shape } from '@keel/tensor';

export { broadcastStrides };

const INT32_MAX = 2 ** 31 - 1;
const MAX_RANK = 16;

/**
 * One scratch array for every walk: the C kernels read it during the call and keep nothing, so
 * kernels need not allocate one per call (small ops are dominated by such costs).
 */
const scratch = new Int32Array(1 + MAX_RANK * 4);


/** The strides of reading `shape` with its axes in `perm` order (a transpose, no copy). */
export function permutedStrides(shape: Shape, perm: readonly number[]): number[] {
  const strides = stridesOf(shape);
  return perm.map((axis) => strides[axis]);
}

/** A one-dimensional walk of n elements: each input contiguous (stride 1) or a scalar (stride 0). */
function flat(n: number, strides: readonly number[]): Int32Array | undefined {
  if (n > INT32_MAX) return undefined;
  scratch[0] = 1;
  scratch[1] = n;
  for (let i = 0; i < strides.length; i++) scratch[2 + i] = strides[i];
  return scratch;
}

/**
 * The walk the C kernels take over a contiguous output of `shape`, reading each input through its
 * strides: `[rank, shape..., strides of input 0..., ...]` (in a shared scratch array). Size-1
 * dimensions are dropped and neighbours every input reads contiguously are merged, so a
 * same-shape op is one loop and a bias add two. Undefined when a size does not fit 32 bits or
 * the rank exceeds 16 (the caller falls back to the reference).
 */
export function walkGeometry(shape: Shape, strides: readonly (readonly number[])[]): Int32Array | undefined {
  const dims: number[] = [];
  const kept: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, i) => kept[i][last] === s[d] * shape[d])) {
      dims[last] *= shape[d];
      strides.forEach((s, i) => (kept[i][last] = s[d]));
    } else {
      dims.push(shape[d]);
      strides.forEach((s, i) => kept[i].push(s[d]));
    }
  }
  if (dims.length === 0) return flat(1, strides.map(() => 0));
  const geometry = [dims.length, ...dims, ...kept.flat()];
  if (dims.length > MAX_RANK || !geometry.every((v) => v <= INT32_MAX)) return undefined;
  scratch.set(geometry);
  return scratch;
}

/** The walk of a broadcasting op of two inputs, with shortcuts for same shapes, scalars and rows (biases). */
export function binaryGeometry(a: Shape, b: Shape, out: Shape): Int32Array | undefined {
  const n = sizeOf(out);
  const sa = sizeOf(a);
  const sb = sizeOf(b);
  if (sa === n && sb === n && shapesEqual(a, b)) return flat(n, [1, 1]);
  if (sa === n && sb === 1) return flat(n, [1, 0]);
  if (sa === 1 && sb === n) return flat(n, [0, 1]);
  // one input is a row repeated over the other's leading dimensions: a bias
  const inner = out.length > 0 ? out[out.length - 1] : 1;
  if (inner > 1 && n <= INT32_MAX) {
    const rowA = sa === inner && a[a.length - 1] === inner;
    const rowB = sb === inner && b[b.length - 1] === inner;
    if ((sa === n && rowB) || (rowA && sb === n)) {
      scratch.set([2, n / inner, inner, rowA ? 0 : inner, 1, rowB ? 0 : inner, 1]);
      return scratch;
    }
  }
  return walkGeometry(out, [broadcastStrides(a, out), broadcastStrides(b, out)]);
}

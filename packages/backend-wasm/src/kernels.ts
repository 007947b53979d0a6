import { broadcastShapes, matmulBatches, sizeOf, type KernelEntry, type KernelFn, type Shape } from '@keel/tensor';
import { convKernels } from './conv-kernels.js';
import { fusedKernels } from './fused-kernels.js';
import { call, kernel, reference } from './kernel.js';
import { Binary, Layout, Reduce, Unary, type LayoutCode } from './ops.js';
import { affine, binary, unary } from './parallel-map.js';

// ---- elementwise -------------------------------------------------------------------------------

function unaryKernel(op: keyof typeof Unary): KernelFn {
  const code = Unary[op];
  return kernel(op, (backend, [x]) => {
    const px = backend.input(x);
    const { tensor, ptr } = backend.output(x.shape);
    unary(backend, code, px, ptr, x.size);
    return tensor;
  });
}

const affineKernel = kernel('affine', (backend, [x], attrs) => {
  const px = backend.input(x);
  const { tensor, ptr } = backend.output(x.shape);
  affine(backend, px, ptr, x.size, attrs.scale as number, attrs.offset as number);
  return tensor;
});

const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);

/** The float32 next to `x` (a float32 value) towards +∞ (up) or −∞. */
function nextFloat32(x: number, up: boolean): number {
  if (Number.isNaN(x) || x === (up ? Infinity : -Infinity)) return x;
  if (x === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45;
  f32Bits[0] = x;
  if (x > 0 === up) u32Bits[0] += 1;
  else u32Bits[0] -= 1;
  return f32Bits[0];
}

/** The smallest float32 ≥ x and the largest float32 ≤ x: comparing a float32 with them is comparing it with x. */
const float32AtLeast = (x: number): number => (Math.fround(x) < x ? nextFloat32(Math.fround(x), true) : Math.fround(x));
const float32AtMost = (x: number): number => (Math.fround(x) > x ? nextFloat32(Math.fround(x), false) : Math.fround(x));

function clipKernel(mode: 0 | 1): KernelFn {
  return kernel(mode === 0 ? 'clip' : 'insideRange', (backend, [x], attrs) => {
    const low = attrs.low as number;
    const high = attrs.high as number;
    const px = backend.input(x);
    const { tensor, ptr } = backend.output(x.shape);
    backend.kernels.clip(mode, px, ptr, x.size, float32AtLeast(low), float32AtMost(high), Math.fround(low), Math.fround(high));
    return tensor;
  });
}

interface BroadcastPlan {
  readonly outer: number;
  readonly inner: number;
  readonly a: LayoutCode;
  readonly b: LayoutCode;
}

/**
 * Reads a broadcast of a and b to `out` as an [outer, inner] grid with each operand full, a row,
 * a column or a scalar (dims of size 1 dropped, neighbours with the same pattern merged): the
 * layouts of same-shape ops, scalars, biases and keepDims reductions. Undefined for other layouts.
 */
export function broadcastPlan(aShape: Shape, bShape: Shape, out: Shape): BroadcastPlan | undefined {
  const rank = out.length;
  const dims: { n: number; a: boolean; b: boolean }[] = [];
  for (let d = 0; d < rank; d++) {
    const n = out[d];
    if (n === 1) continue;
    const ad = d - (rank - aShape.length) >= 0 ? aShape[d - (rank - aShape.length)] : 1;
    const bd = d - (rank - bShape.length) >= 0 ? bShape[d - (rank - bShape.length)] : 1;
    const a = ad === n;
    const b = bd === n;
    const last = dims[dims.length - 1];
    if (last !== undefined && last.a === a && last.b === b) last.n *= n;
    else dims.push({ n, a, b });
  }
  const layout = (outerFull: boolean, innerFull: boolean): LayoutCode =>
    outerFull ? (innerFull ? Layout.full : Layout.column) : innerFull ? Layout.row : Layout.scalar;
  if (dims.length === 0) return { outer: 1, inner: 1, a: Layout.full, b: Layout.full };
  if (dims.length === 1) {
    const [d] = dims;
    return { outer: 1, inner: d.n, a: d.a ? Layout.full : Layout.scalar, b: d.b ? Layout.full : Layout.scalar };
  }
  if (dims.length === 2) {
    const [o, i] = dims;
    return { outer: o.n, inner: i.n, a: layout(o.a, i.a), b: layout(o.b, i.b) };
  }
  return undefined;
}

function binaryKernel(op: keyof typeof Binary): KernelFn {
  const code = Binary[op];
  return kernel(op, (backend, [a, b]) => {
    const shape = broadcastShapes(op, a.shape, b.shape);
    const plan = broadcastPlan(a.shape, b.shape, shape);
    if (plan === undefined) return undefined;
    const pa = backend.input(a);
    const pb = backend.input(b);
    const { tensor, ptr } = backend.output(shape);
    if (tensor.size > 0) binary(backend, code, pa, plan.a, pb, plan.b, ptr, plan.outer, plan.inner);
    return tensor;
  });
}

const broadcastToKernel = kernel('broadcastTo', (backend, [x], attrs) => {
  const shape = attrs.shape as number[];
  const plan = broadcastPlan([], x.shape, shape);
  if (plan === undefined) return undefined;
  const px = backend.input(x);
  const { tensor, ptr } = backend.output(shape);
  if (tensor.size > 0) binary(backend, Binary.second, px, Layout.scalar, px, plan.b, ptr, plan.outer, plan.inner);
  return tensor;
});

// ---- reductions and softmax ----------------------------------------------------------------------

function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((dim, axis) => {
    if (!axes.includes(axis)) out.push(dim);
    else if (keepDims) out.push(1);
  });
  return out;
}

function reduceKernel(op: keyof typeof Reduce): KernelFn {
  const code = Reduce[op];
  return kernel(op, (backend, [x], attrs) => {
    const axes = attrs.axes as number[];
    const keepDims = attrs.keepDims as boolean;
    // contiguous axes make [outer, reduced, inner] blocks; others go to the reference
    if (!axes.every((axis, i) => i === 0 || axis === axes[i - 1] + 1)) return undefined;
    const first = axes.length > 0 ? axes[0] : x.rank;
    const last = axes.length > 0 ? axes[axes.length - 1] : x.rank - 1;
    const outer = sizeOf(x.shape.slice(0, first));
    const reduced = sizeOf(x.shape.slice(first, last + 1));
    const inner = sizeOf(x.shape.slice(last + 1));
    const px = backend.input(x);
    const { tensor, ptr } = backend.output(reducedShape(x.shape, axes, keepDims));
    if (tensor.size > 0) backend.kernels.reduce(code, px, ptr, outer, reduced, inner);
    return tensor;
  });
}

function softmaxKernel(log: boolean): KernelFn {
  return kernel(log ? 'logSoftmax' : 'softmax', (backend, [x], attrs) => {
    const axis = attrs.axis as number;
    const px = backend.input(x);
    const { tensor, ptr } = backend.output(x.shape);
    if (x.size > 0) backend.kernels.softmax(log ? 1 : 0, px, ptr, sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1)));
    return tensor;
  });
}

// ---- matmul and layout -------------------------------------------------------------------------

/** Batched [..., m, k] × [..., k, n] with transposes read through strides; batch dims broadcast. */
const matmulKernel = kernel('matmul', (backend, [a, b], attrs) => {
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const ra = a.rank;
  const rb = b.rank;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const { batch, a: aIndex, b: bIndex } = matmulBatches(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const pa = backend.input(a);
  const pb = backend.input(b);
  const { tensor, ptr } = backend.output([...batch, m, n]);
  const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
  const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
  // Byte offsets: 4 bytes per float32.
  for (let t = 0; t < aIndex.length; t++) {
    backend.gemm(pa + aIndex[t] * m * k * 4, aRow, aCol, pb + bIndex[t] * k * n * 4, bRow, bCol, ptr + t * m * n * 4, m, n, k);
  }
  return tensor;
});


/** Swapping the last two axes (batched) runs in WebAssembly; other permutations on the reference. */
const transposeKernel = kernel('transpose', (backend, [x], attrs) => {
  const perm = attrs.perm as number[];
  const r = x.rank;
  const swapsLastTwo = r >= 2 && perm[r - 2] === r - 1 && perm[r - 1] === r - 2 && perm.slice(0, -2).every((axis, i) => axis === i);
  const identity = perm.every((axis, i) => axis === i);
  if (!swapsLastTwo && !identity) return undefined;
  const px = backend.input(x);
  const { tensor, ptr } = backend.output(perm.map((axis) => x.shape[axis]));
  if (x.size === 0) return tensor;
  if (identity) backend.kernels.unary(Unary.copy, px, ptr, x.size);
  else backend.kernels.transpose2d(px, ptr, x.shape[r - 2], x.shape[r - 1], sizeOf(x.shape.slice(0, -2)));
  return tensor;
});

const oneHotKernel = kernel('oneHot', (backend, [indices], attrs) => {
  const depth = attrs.depth as number;
  const pi = backend.input(indices);
  const { tensor, ptr } = backend.output([...indices.shape, depth]);
  backend.kernels.oneHot(pi, ptr, indices.size, depth);
  return tensor;
});

/** float32 → float32 is a copy in linear memory; conversions to or from float64 use the reference. */
const castKernel: KernelFn = (inputs, attrs) => {
  const [x] = inputs;
  if (x.dtype !== 'float32' || attrs.dtype !== 'float32') return reference('cast', inputs, attrs);
  return call((backend) => {
    const px = backend.input(x);
    const { tensor, ptr } = backend.output(x.shape);
    backend.kernels.unary(Unary.copy, px, ptr, x.size);
    return tensor;
  });
};

const kernels: Record<string, KernelFn> = {
  ...Object.fromEntries((Object.keys(Unary) as (keyof typeof Unary)[]).filter((op) => op !== 'copy').map((op) => [op, unaryKernel(op)])),
  affine: affineKernel,
  clip: clipKernel(0),
  insideRange: clipKernel(1),
  ...Object.fromEntries((Object.keys(Binary) as (keyof typeof Binary)[]).filter((op) => op !== 'second').map((op) => [op, binaryKernel(op)])),
  broadcastTo: broadcastToKernel,
  sum: reduceKernel('sum'),
  max: reduceKernel('max'),
  min: reduceKernel('min'),
  softmax: softmaxKernel(false),
  logSoftmax: softmaxKernel(true),
  matmul: matmulKernel,
  transpose: transposeKernel,
  oneHot: oneHotKernel,
  cast: castKernel,
  ...convKernels,
  ...fusedKernels,
};

/** Every kernel of the 'wasm' backend, as registry entries. Ops not listed run on 'js'. */
export const wasmKernels: readonly KernelEntry[] = Object.entries(kernels).map(([id, run]) => ({ id, backend: 'wasm', run }));

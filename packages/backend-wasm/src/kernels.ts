import { broadcastShapes, matmulBatches, sizeOf, BINARY_OPS, UNARY_OPS, type BinaryOp, type ReduceOp, type Shape, type UnaryOp } from '@keel/tensor';
import { convKernels } from './conv-kernels.js';
import { fusedKernels } from './fused-kernels.js';
import { count, kernel, type WasmBodies, type WasmBody } from './kernel.js';
import { Binary, Layout, Reduce, Unary, type LayoutCode } from './ops.js';
import { affine, binary, unary } from './parallel-map.js';

// ---- elementwise -------------------------------------------------------------------------------

function unaryKernel(op: WasmUnary): WasmBody<WasmUnary> {
  const code = Unary[op];
  return kernel(op, (backend, [x]) => {
    const px = backend.input(x);
    const { record, ptr } = backend.output(x.shape);
    unary(backend, code, px, ptr, count(x));
    return record;
  });
}

const affineKernel = kernel('affine', (backend, [x], attrs) => {
  const px = backend.input(x);
  const { record, ptr } = backend.output(x.shape);
  affine(backend, px, ptr, count(x), attrs.scale, attrs.offset);
  return record;
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

function clipKernel(mode: 0 | 1): WasmBody<'clip' | 'insideRange'> {
  return kernel(mode === 0 ? 'clip' : 'insideRange', (backend, [x], attrs) => {
    const low = attrs.low;
    const high = attrs.high;
    const px = backend.input(x);
    const { record, ptr } = backend.output(x.shape);
    backend.wasm.clip(mode, px, ptr, count(x), float32AtLeast(low), float32AtMost(high), Math.fround(low), Math.fround(high));
    return record;
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

function binaryKernel(op: WasmBinary): WasmBody<WasmBinary> {
  const code = Binary[op];
  return kernel(op, (backend, [a, b]) => {
    const shape = broadcastShapes(op, a.shape, b.shape);
    const plan = broadcastPlan(a.shape, b.shape, shape);
    if (plan === undefined) return undefined;
    const pa = backend.input(a);
    const pb = backend.input(b);
    const { record, ptr, size } = backend.output(shape);
    if (size > 0) binary(backend, code, pa, plan.a, pb, plan.b, ptr, plan.outer, plan.inner);
    return record;
  });
}

const broadcastToKernel = kernel('broadcastTo', (backend, [x], attrs) => {
  const shape = attrs.shape;
  const plan = broadcastPlan([], x.shape, shape);
  if (plan === undefined) return undefined;
  const px = backend.input(x);
  const { record, ptr, size } = backend.output(shape);
  if (size > 0) binary(backend, Binary.second, px, Layout.scalar, px, plan.b, ptr, plan.outer, plan.inner);
  return record;
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

function reduceKernel(op: keyof typeof Reduce): WasmBody<ReduceOp> {
  const code = Reduce[op];
  return kernel(op, (backend, [x], attrs) => {
    const axes = attrs.axes;
    const keepDims = attrs.keepDims;
    // contiguous axes make [outer, reduced, inner] blocks; others go to the reference
    if (!axes.every((axis, i) => i === 0 || axis === axes[i - 1] + 1)) return undefined;
    const first = axes.length > 0 ? axes[0] : x.shape.length;
    const last = axes.length > 0 ? axes[axes.length - 1] : x.shape.length - 1;
    const outer = sizeOf(x.shape.slice(0, first));
    const reduced = sizeOf(x.shape.slice(first, last + 1));
    const inner = sizeOf(x.shape.slice(last + 1));
    const px = backend.input(x);
    const { record, ptr, size } = backend.output(reducedShape(x.shape, axes, keepDims));
    if (size > 0) backend.wasm.reduce(code, px, ptr, outer, reduced, inner);
    return record;
  });
}

function softmaxKernel(log: boolean): WasmBody<'softmax' | 'logSoftmax'> {
  return kernel(log ? 'logSoftmax' : 'softmax', (backend, [x], attrs) => {
    const axis = attrs.axis;
    const px = backend.input(x);
    const { record, ptr } = backend.output(x.shape);
    if (count(x) > 0) backend.wasm.softmax(log ? 1 : 0, px, ptr, sizeOf(x.shape.slice(0, axis)), x.shape[axis], sizeOf(x.shape.slice(axis + 1)));
    return record;
  });
}

// ---- matmul and layout -------------------------------------------------------------------------

/** Batched [..., m, k] × [..., k, n] with transposes read through strides; batch dims broadcast. */
const matmulKernel = kernel('matmul', (backend, [a, b], attrs) => {
  const transposeA = attrs.transposeA;
  const transposeB = attrs.transposeB;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const { batch, a: aIndex, b: bIndex } = matmulBatches(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const pa = backend.input(a);
  const pb = backend.input(b);
  const { record, ptr } = backend.output([...batch, m, n]);
  const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
  const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
  // Byte offsets: 4 bytes per float32.
  for (let t = 0; t < aIndex.length; t++) {
    backend.gemm(pa + aIndex[t] * m * k * 4, aRow, aCol, pb + bIndex[t] * k * n * 4, bRow, bCol, ptr + t * m * n * 4, m, n, k);
  }
  return record;
});


/** Swapping the last two axes (batched) runs in WebAssembly; other permutations on the reference. */
const transposeKernel = kernel('transpose', (backend, [x], attrs) => {
  const perm = attrs.perm;
  const r = x.shape.length;
  const swapsLastTwo = r >= 2 && perm[r - 2] === r - 1 && perm[r - 1] === r - 2 && perm.slice(0, -2).every((axis, i) => axis === i);
  const identity = perm.every((axis, i) => axis === i);
  if (!swapsLastTwo && !identity) return undefined;
  const px = backend.input(x);
  const { record, ptr } = backend.output(perm.map((axis) => x.shape[axis]));
  if (count(x) === 0) return record;
  if (identity) backend.wasm.unary(Unary.copy, px, ptr, count(x));
  else backend.wasm.transpose2d(px, ptr, x.shape[r - 2], x.shape[r - 1], sizeOf(x.shape.slice(0, -2)));
  return record;
});

const oneHotKernel = kernel('oneHot', (backend, [indices], attrs) => {
  const depth = attrs.depth;
  const pi = backend.input(indices);
  const { record, ptr } = backend.output([...indices.shape, depth]);
  backend.wasm.oneHot(pi, ptr, count(indices), depth);
  return record;
});

/** float32 → float32 is a copy in linear memory; conversions to float64 are left to the 'js' fallback. */
const castKernel = kernel('cast', (backend, [x], attrs) => {
  if (attrs.dtype !== 'float32') return undefined;
  const px = backend.input(x);
  const { record, ptr } = backend.output(x.shape);
  backend.wasm.unary(Unary.copy, px, ptr, count(x));
  return record;
});

/** The unary and binary ops with an AssemblyScript op code (sin, cos, erf and pow run on 'js'). */
type WasmUnary = UnaryOp & keyof typeof Unary;
type WasmBinary = BinaryOp & keyof typeof Binary;
const wasmUnary = UNARY_OPS.filter((op): op is WasmUnary => Object.hasOwn(Unary, op));
const wasmBinary = BINARY_OPS.filter((op): op is WasmBinary => Object.hasOwn(Binary, op));
const byOp = <Op extends string, K>(ops: readonly Op[], make: (op: Op) => K): Record<Op, K> =>
  Object.fromEntries(ops.map((op) => [op, make(op)])) as Record<Op, K>;

/** The 'wasm' kernels by op. Ops not listed (and float64 inputs) run on the 'js' fallback. */
export const wasmBodies: WasmBodies = {
  ...byOp(wasmUnary, unaryKernel),
  affine: affineKernel,
  clip: clipKernel(0),
  insideRange: clipKernel(1),
  ...byOp(wasmBinary, binaryKernel),
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

/** Ops that run in WebAssembly. */
export const wasmOps: readonly string[] = Object.keys(wasmBodies);

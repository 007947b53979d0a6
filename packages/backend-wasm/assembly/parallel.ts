// One chunk of a kernel call split across threads. The caller writes the call's arguments into a
// job record in linear memory (src/parallel-gemm.ts, src/parallel-map.ts); every thread, the
// calling one included, then runs `runPart(job, chunk, chunks, work)` for the chunks it claims.
// Chunks write disjoint parts of the output, and each output element is computed as the whole
// call would compute it, so the result does not depend on how the work was shared out.
import { gemm, MR, NR } from './gemm';
import { unary, affine, binary, FULL, ROW, COLUMN } from './elementwise';
import { im2col, col2im, pool, poolGrad } from './conv';
import { biasActivation, activationGrad, axpby } from './fused';

// job kinds, in word 0 of the job record (kept in sync with src/parallel-gemm.ts, src/parallel-map.ts)
export const GEMM = 1;
export const UNARY = 2;
export const AFFINE = 3;
export const BINARY = 4;
export const WINDOW = 5;
export const BIAS_ACTIVATION = 6;
export const ACTIVATION_GRAD = 7;
export const AXPBY = 8;

// window kernels (word 1 of a WINDOW job)
const IM2COL = 0;
const COL2IM = 1;
const MAX_POOL = 2;
const AVG_POOL = 3;
const MAX_POOL_GRAD = 4;
const AVG_POOL_GRAD = 5;

/** Elements per chunk unit of the elementwise kernels: one cache line, so chunks never share one. */
const LINE = 16;

function word(job: usize, index: i32): i32 {
  return load<i32>(job + usize(index) * 4);
}

function pointer(job: usize, index: i32): usize {
  return usize(load<u32>(job + usize(index) * 4));
}

/** Start of chunk `chunk` of `chunks` over `total` items in whole units of `unit` (balanced to a unit). */
function chunkStart(total: i32, unit: i32, chunk: i32, chunks: i32): i32 {
  const units = (total + unit - 1) / unit;
  const start = i32((i64(units) * i64(chunk)) / i64(chunks)) * unit;
  return start < total ? start : total;
}

/**
 * GEMM: [kind, a, aRow, aCol, b, bRow, bCol, c, m, n, k, byRows] — whole rows of C per chunk
 * (each packs all of B) or, byRows = 0, whole columns (each packs all of A).
 */
function gemmPart(job: usize, chunk: i32, chunks: i32, work: usize): void {
  const a = pointer(job, 1);
  const aRow = word(job, 2);
  const aCol = word(job, 3);
  const b = pointer(job, 4);
  const bRow = word(job, 5);
  const bCol = word(job, 6);
  const c = pointer(job, 7);
  const m = word(job, 8);
  const n = word(job, 9);
  const k = word(job, 10);
  if (word(job, 11) != 0) {
    const lo = chunkStart(m, MR, chunk, chunks);
    const hi = chunkStart(m, MR, chunk + 1, chunks);
    gemm(a + usize(lo) * usize(aRow) * 4, aRow, aCol, b, bRow, bCol, c + usize(lo) * usize(n) * 4, n, hi - lo, n, k, work);
  } else {
    const lo = chunkStart(n, NR, chunk, chunks);
    const hi = chunkStart(n, NR, chunk + 1, chunks);
    gemm(a, aRow, aCol, b + usize(lo) * usize(bCol) * 4, bRow, bCol, c + usize(lo) * 4, n, m, hi - lo, k, work);
  }
}

/** UNARY [kind, op, x, out, n] and AFFINE [kind, x, out, n, -, scale: f64 at word 4, offset: f64 at word 6]: a range of elements. */
function mapPart(job: usize, chunk: i32, chunks: i32): void {
  const kind = word(job, 0);
  const n = word(job, kind == UNARY ? 4 : 3);
  const lo = chunkStart(n, LINE, chunk, chunks);
  const hi = chunkStart(n, LINE, chunk + 1, chunks);
  const offset = usize(lo) * 4;
  if (kind == UNARY) unary(word(job, 1), pointer(job, 2) + offset, pointer(job, 3) + offset, hi - lo);
  else affine(pointer(job, 1) + offset, pointer(job, 2) + offset, hi - lo, load<f64>(job + 16), load<f64>(job + 24));
}

/** Where an operand of layout `layout` starts for rows (or, with one row, columns) from `lo`. */
function operandAt(base: usize, layout: i32, lo: i32, inner: i32, byRows: bool): usize {
  if (byRows) return layout == FULL ? base + usize(lo) * usize(inner) * 4 : layout == COLUMN ? base + usize(lo) * 4 : base;
  return layout == FULL || layout == ROW ? base + usize(lo) * 4 : base;
}

/** BINARY [kind, op, a, aLayout, b, bLayout, out, outer, inner]: whole rows, or a range of columns when there is one row. */
function binaryPart(job: usize, chunk: i32, chunks: i32): void {
  const a = pointer(job, 2);
  const aLayout = word(job, 3);
  const b = pointer(job, 4);
  const bLayout = word(job, 5);
  const out = pointer(job, 6);
  const outer = word(job, 7);
  const inner = word(job, 8);
  const byRows = outer > 1;
  const total = byRows ? outer : inner;
  const unit = byRows ? 1 : LINE;
  const lo = chunkStart(total, unit, chunk, chunks);
  const hi = chunkStart(total, unit, chunk + 1, chunks);
  const outAt = byRows ? out + usize(lo) * usize(inner) * 4 : out + usize(lo) * 4;
  binary(
    word(job, 1),
    operandAt(a, aLayout, lo, inner, byRows), aLayout,
    operandAt(b, bLayout, lo, inner, byRows), bLayout,
    outAt, byRows ? hi - lo : 1, byRows ? inner : hi - lo,
  );
}

/**
 * BIAS_ACTIVATION [kind, act, z, bias, out, rows, units]: whole rows, or a range of columns when
 * there is one row (a bias of 0 stays 0: none).
 */
function biasActivationPart(job: usize, chunk: i32, chunks: i32): void {
  const z = pointer(job, 2);
  const bias = pointer(job, 3);
  const out = pointer(job, 4);
  const rows = word(job, 5);
  const units = word(job, 6);
  const byRows = rows > 1;
  const lo = chunkStart(byRows ? rows : units, byRows ? 1 : LINE, chunk, chunks);
  const hi = chunkStart(byRows ? rows : units, byRows ? 1 : LINE, chunk + 1, chunks);
  if (byRows) {
    const offset = usize(lo) * usize(units) * 4;
    biasActivation(word(job, 1), z + offset, bias, out + offset, hi - lo, units);
  } else {
    const offset = usize(lo) * 4;
    biasActivation(word(job, 1), z + offset, bias == 0 ? 0 : bias + offset, out + offset, 1, hi - lo);
  }
}

/** ACTIVATION_GRAD [kind, act, y, dy, out, n]: a range of elements. */
function activationGradPart(job: usize, chunk: i32, chunks: i32): void {
  const n = word(job, 5);
  const lo = chunkStart(n, LINE, chunk, chunks);
  const hi = chunkStart(n, LINE, chunk + 1, chunks);
  const offset = usize(lo) * 4;
  activationGrad(word(job, 1), pointer(job, 2) + offset, pointer(job, 3) + offset, pointer(job, 4) + offset, hi - lo);
}

/** AXPBY [kind, x, y, out, n, -, a: f64 at word 6, b: f64 at word 8]: a range of elements. */
function axpbyPart(job: usize, chunk: i32, chunks: i32): void {
  const n = word(job, 4);
  const lo = chunkStart(n, LINE, chunk, chunks);
  const hi = chunkStart(n, LINE, chunk + 1, chunks);
  const offset = usize(lo) * 4;
  axpby(pointer(job, 1) + offset, pointer(job, 2) + offset, pointer(job, 3) + offset, hi - lo, load<f64>(job + 24), load<f64>(job + 32));
}

/**
 * WINDOW [kind, which, p0, p1, p2, batch, height, width, channels, kernelH, kernelW, strideH,
 * strideW, padTop, padLeft, outH, outW]: a range of whole images.
 */
function windowPart(job: usize, chunk: i32, chunks: i32): void {
  const which = word(job, 1);
  const batch = word(job, 5);
  const height = word(job, 6);
  const width = word(job, 7);
  const channels = word(job, 8);
  const kernelH = word(job, 9);
  const kernelW = word(job, 10);
  const strideH = word(job, 11);
  const strideW = word(job, 12);
  const padTop = word(job, 13);
  const padLeft = word(job, 14);
  const outH = word(job, 15);
  const outW = word(job, 16);
  const lo = chunkStart(batch, 1, chunk, chunks);
  const images = chunkStart(batch, 1, chunk + 1, chunks) - lo;
  // bytes per image: of the input, of the patches (im2col's output), of the pooled output
  const image = usize(height) * usize(width) * usize(channels) * 4 * usize(lo);
  const patches = usize(outH) * usize(outW) * usize(kernelH) * usize(kernelW) * usize(channels) * 4 * usize(lo);
  const pooled = usize(outH) * usize(outW) * usize(channels) * 4 * usize(lo);
  const p0 = pointer(job, 2);
  const p1 = pointer(job, 3);
  const p2 = pointer(job, 4);
  if (which == IM2COL) {
    im2col(p0 + image, p1 + patches, images, height, width, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW);
  } else if (which == COL2IM) {
    col2im(p0 + patches, p1 + image, images, height, width, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW);
  } else if (which == MAX_POOL || which == AVG_POOL) {
    pool(which - MAX_POOL, p0 + image, p1 + pooled, images, height, width, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW);
  } else if (which == MAX_POOL_GRAD || which == AVG_POOL_GRAD) {
    // the mean's gradient does not read the input (p0 may be 0)
    const x = which == MAX_POOL_GRAD ? p0 + image : p0;
    poolGrad(which - MAX_POOL_GRAD, x, p1 + pooled, p2 + image, images, height, width, channels, kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW);
  }
}

/** Runs chunk `chunk` (0-based) of the `chunks` chunks of the job at `job`, with `work` as this thread's scratch. */
export function runPart(job: usize, chunk: i32, chunks: i32, work: usize): void {
  const kind = word(job, 0);
  if (kind == GEMM) gemmPart(job, chunk, chunks, work);
  else if (kind == UNARY || kind == AFFINE) mapPart(job, chunk, chunks);
  else if (kind == BINARY) binaryPart(job, chunk, chunks);
  else if (kind == WINDOW) windowPart(job, chunk, chunks);
  else if (kind == BIAS_ACTIVATION) biasActivationPart(job, chunk, chunks);
  else if (kind == ACTIVATION_GRAD) activationGradPart(job, chunk, chunks);
  else if (kind == AXPBY) axpbyPart(job, chunk, chunks);
}

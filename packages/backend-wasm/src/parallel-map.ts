// Elementwise, fused elementwise and window kernels, on as many threads as pays. They are memory-bound, so only
// large ones are split: into ranges of elements (cache-line aligned), of rows of a broadcast, or of
// whole images. Each output element is computed exactly as on one thread, so the bits are the same.
import type { WasmBackend } from './backend.js';
import type { Geometry } from './module.js';
import { Job, Window } from './ops.js';

/** Output floats below which a kernel stays on one thread (~20 µs of work). */
export const MIN_SPLIT_FLOATS = 1 << 16;
/** The smallest chunk, in output floats. */
const MIN_CHUNK_FLOATS = 1 << 14;

/** Chunks for a kernel writing `floats` values in `units` independent units (1: not split). */
function chunksFor(backend: WasmBackend, floats: number, units: number): number {
  const threads = backend.pool?.active() ?? 1;
  if (threads <= 1 || floats < MIN_SPLIT_FLOATS) return 1;
  return Math.max(1, Math.min(units, threads * 4, Math.floor(floats / MIN_CHUNK_FLOATS)));
}

/**
 * Writes the job record (words, then float64 values from the first 8-byte-aligned word after them:
 * word 4 after four words, word 6 after five) and runs it in `chunks` chunks.
 */
function runJob(backend: WasmBackend, chunks: number, words: readonly number[], floats: readonly number[] = []): void {
  const pool = backend.pool as NonNullable<WasmBackend['pool']>;
  pool.jobWords.set(words);
  const first = Math.ceil(words.length / 2);
  floats.forEach((value, i) => (pool.jobFloats[first + i] = value));
  pool.run(chunks, backend.gemmWork);
}

export function unary(backend: WasmBackend, op: number, x: number, out: number, n: number): void {
  const chunks = chunksFor(backend, n, Math.ceil(n / 16));
  if (chunks === 1) backend.wasm.unary(op, x, out, n);
  else runJob(backend, chunks, [Job.unary, op, x, out, n]);
}

export function affine(backend: WasmBackend, x: number, out: number, n: number, scale: number, offset: number): void {
  const chunks = chunksFor(backend, n, Math.ceil(n / 16));
  if (chunks === 1) backend.wasm.affine(x, out, n, scale, offset);
  else runJob(backend, chunks, [Job.affine, x, out, n], [scale, offset]);
}

export function binary(backend: WasmBackend, op: number, a: number, aLayout: number, b: number, bLayout: number, out: number, outer: number, inner: number): void {
  const chunks = chunksFor(backend, outer * inner, outer > 1 ? outer : Math.ceil(inner / 16));
  if (chunks === 1) backend.wasm.binary(op, a, aLayout, b, bLayout, out, outer, inner);
  else runJob(backend, chunks, [Job.binary, op, a, aLayout, b, bLayout, out, outer, inner]);
}

/** act(z + bias) over rows × units (bias 0: none), split into whole rows, or ranges of one long row. */
export function biasActivation(backend: WasmBackend, act: number, z: number, bias: number, out: number, rows: number, units: number): void {
  const chunks = chunksFor(backend, rows * units, rows > 1 ? rows : Math.ceil(units / 16));
  if (chunks === 1) backend.wasm.biasActivation(act, z, bias, out, rows, units);
  else runJob(backend, chunks, [Job.biasActivation, act, z, bias, out, rows, units]);
}

export function activationGrad(backend: WasmBackend, act: number, y: number, dy: number, out: number, n: number): void {
  const chunks = chunksFor(backend, n, Math.ceil(n / 16));
  if (chunks === 1) backend.wasm.activationGrad(act, y, dy, out, n);
  else runJob(backend, chunks, [Job.activationGrad, act, y, dy, out, n]);
}

/** a·x + b·y over n floats (an optimizer's update), split into ranges of elements like add. */
export function axpby(backend: WasmBackend, x: number, y: number, out: number, n: number, a: number, b: number): void {
  const chunks = chunksFor(backend, n, Math.ceil(n / 16));
  if (chunks === 1) backend.wasm.axpby(x, y, out, n, a, b);
  else runJob(backend, chunks, [Job.axpby, x, y, out, n], [a, b]);
}

export { Window };

/**
 * A window kernel over `geometry` with up to three pointers (its inputs, then its output; 0 for
 * none), split into whole images. `floats` is the size of its output.
 */
export function window(backend: WasmBackend, which: number, pointers: readonly [number, number, number], geometry: Geometry, floats: number): void {
  const chunks = chunksFor(backend, floats, geometry[0]);
  if (chunks > 1) {
    runJob(backend, chunks, [Job.window, which, ...pointers, ...geometry]);
    return;
  }
  const [p0, p1, p2] = pointers;
  const k = backend.wasm;
  if (which === Window.im2col) k.im2col(p0, p1, ...geometry);
  else if (which === Window.col2im) k.col2im(p0, p1, ...geometry);
  else if (which === Window.maxPool || which === Window.avgPool) k.pool(which - Window.maxPool, p0, p1, ...geometry);
  else k.poolGrad(which - Window.maxPoolGrad, p0, p1, p2, ...geometry);
}

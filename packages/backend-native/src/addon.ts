import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions of build/Release/keel_native.node (native/addon.c); sizes are element counts. */
export interface NativeAddon {
  setThreads(threads: number): void;
  getThreads(): number;
  /** The BLAS library's own description, e.g. 'OpenBLAS 0.3.21 … Zen MAX_THREADS=64'. */
  blas(): string;
  /** Keeps freed memory in the process (glibc: mmap and trim thresholds raised); whether it applied. */
  tuneMalloc(): boolean;
  /** C = op(A)·op(B) on [m, k]·[k, n] matrices at the given offsets, through cblas_sgemm. */
  gemm(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, c: Float32Array, cOffset: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void;
  unary(op: number, x: Float32Array, out: Float32Array): void;
  affine(x: Float32Array, out: Float32Array, scale: number, offset: number): void;
  clip(inside: boolean, x: Float32Array, out: Float32Array, low: number, high: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, geometry: Int32Array): void;
  where(condition: Float32Array, a: Float32Array, b: Float32Array, out: Float32Array, geometry: Int32Array): void;
  stridedCopy(x: Float32Array, out: Float32Array, geometry: Int32Array): void;
  reduce(kind: number, x: Float32Array, out: Float32Array, outer: number, reduced: number, inner: number): void;
  argReduce(kind: number, x: Float32Array, out: Float32Array, outer: number, reduced: number, inner: number): void;
  softmax(log: boolean, x: Float32Array, out: Float32Array, outer: number, dim: number, inner: number): void;
  oneHot(indices: Float32Array, out: Float32Array, depth: number): void;
  gather(x: Float32Array, indices: Float32Array, out: Float32Array, outer: number, dim: number, inner: number): void;
  gatherGrad(dy: Float32Array, indices: Float32Array, out: Float32Array, outer: number, dim: number, inner: number): void;
  /** im2col, col2im, the poolings and their gradients (see WindowOp) over NHWC images; `x` is the pooled input for maxPoolGrad. */
  windowOp(op: number, input: Float32Array, x: Float32Array, out: Float32Array, geometry: Int32Array): void;
  /** act(z + bias) (see Activation) with bias [units] repeated over z [rows, units]; null: act(z). */
  biasActivation(activation: number, z: Float32Array, bias: Float32Array | null, out: Float32Array): void;
  /** dy · act'(z), from the activation's output y. */
  activationGrad(activation: number, y: Float32Array, dy: Float32Array, out: Float32Array): void;
  /** Per-row softmax cross-entropy [rows] of logits [rows, classes] and labels [rows] (sparse) or targets [rows, classes]. */
  crossEntropy(sparse: boolean, logits: Float32Array, labels: Float32Array, out: Float32Array, rows: number, classes: number): void;
  /** Its gradient [rows, classes] for the per-row upstream gradient dy [rows]. */
  crossEntropyGrad(sparse: boolean, logits: Float32Array, labels: Float32Array, dy: Float32Array, out: Float32Array, rows: number, classes: number): void;
  /** Whether every value is finite. */
  allFinite(x: Float32Array): boolean;
  /** out = a·x + b·y (an optimizer update), each product rounded to float before the sum. */
  axpby(x: Float32Array, y: Float32Array, out: Float32Array, a: number, b: number): void;
}

export type LoadResult = { readonly addon: NativeAddon; readonly reason?: undefined } | { readonly addon?: undefined; readonly reason: string };

/** Where to load the addon from, and the build script's record of why it could not build it. */
export interface AddonLocation {
  readonly file: string;
  readonly status?: string;
}

/** KEEL_NATIVE_ADDON if set, else what scripts/build-native.mjs builds (and its status file). */
export function defaultLocation(): AddonLocation {
  const override = process.env.KEEL_NATIVE_ADDON;
  if (override !== undefined && override !== '') return { file: override };
  return {
    file: fileURLToPath(new URL('../build/Release/keel_native.node', import.meta.url)),
    status: fileURLToPath(new URL('../build/keel-native-build.json', import.meta.url)),
  };
}

const howToBuild = 'run `node scripts/build-native.mjs` in @keel/backend-native (it needs a C compiler, python3 and libopenblas-dev)';

/** Why the build script did not produce the addon, as it recorded it. */
function buildFailure(status: string | undefined): string | undefined {
  if (status === undefined) return undefined;
  try {
    const recorded = JSON.parse(readFileSync(status, 'utf8')) as { ok?: boolean; reason?: string };
    return recorded.ok === false && typeof recorded.reason === 'string' ? recorded.reason : undefined;
  } catch {
    return undefined;
  }
}

/** Loads the addon; never throws, says why it could not. */
export function loadAddon({ file, status }: AddonLocation = defaultLocation()): LoadResult {
  if (!existsSync(file)) return { reason: `addon not built: ${buildFailure(status) ?? `no ${file}; ${howToBuild}`}` };
  try {
    return { addon: createRequire(import.meta.url)(file) as NativeAddon };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    const hint = /libopenblas|libblas|libblis|libmkl|cannot open shared object/.test(message)
      ? ' (the BLAS library it was built against is missing: apt-get install libopenblas0, or rebuild)'
      : `; ${howToBuild}`;
    return { reason: `addon failed to load: ${message}${hint}` };
  }
}

let loaded: LoadResult | undefined;

/** The addon, loaded once per process (on first use, never on import). */
export function addonOnce(): LoadResult {
  loaded ??= loadAddon();
  return loaded;
}

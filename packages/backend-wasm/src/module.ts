import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { threadsUnavailableReason } from './thread-support.js';

/** A window kernel's geometry (an NHWC input, @keel/tensor's WindowGeometry). */
export type Geometry = [batch: number, height: number, width: number, channels: number, kernelH: number, kernelW: number, strideH: number, strideW: number, padTop: number, padLeft: number, outH: number, outW: number];

/** The functions the AssemblyScript kernels export (pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, ldc: number, m: number, n: number, k: number, work: number): void;
  gemmWorkFloats(): number;
  runPart(job: number, chunk: number, chunks: number, work: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  affine(x: number, out: number, n: number, scale: number, offset: number): void;
  clip(mode: number, x: number, out: number, n: number, below: number, above: number, low: number, high: number): void;
  binary(op: number, a: number, aLayout: number, b: number, bLayout: number, out: number, outer: number, inner: number): void;
  oneHot(indices: number, out: number, n: number, depth: number): void;
  transpose2d(x: number, out: number, rows: number, cols: number, count: number): void;
  reduce(kind: number, x: number, out: number, outer: number, reduced: number, inner: number): void;
  softmax(log: number, x: number, out: number, outer: number, dim: number, inner: number): void;
  im2col(x: number, out: number, ...geometry: Geometry): void;
  col2im(cols: number, out: number, ...geometry: Geometry): void;
  pool(kind: number, x: number, out: number, ...geometry: Geometry): void;
  poolGrad(kind: number, x: number, dy: number, out: number, ...geometry: Geometry): void;
  biasActivation(act: number, z: number, bias: number, out: number, rows: number, units: number): void;
  activationGrad(act: number, y: number, dy: number, out: number, n: number): void;
  allFinite(x: number, out: number, n: number): void;
  axpby(x: number, y: number, out: number, n: number, a: number, b: number): void;
  sparseSoftmaxCrossEntropy(x: number, labels: number, out: number, rows: number, classes: number): void;
  sparseSoftmaxCrossEntropyGrad(x: number, labels: number, dy: number, out: number, rows: number, classes: number): void;
  softmaxCrossEntropy(x: number, targets: number, out: number, rows: number, classes: number): void;
  softmaxCrossEntropyGrad(x: number, targets: number, dy: number, out: number, rows: number, classes: number): void;
}

/** An instance of the kernels, and what a worker needs to run the same kernels on the same memory. */
export interface LoadedKernels {
  readonly exports: KernelExports;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Whether `memory` is shared, so that workers can instantiate `module` on it (threads). */
  readonly shared: boolean;
}

const decoded = new Map<string, Uint8Array<ArrayBuffer>>();

/** A module's bytes, decoded once from the base64 the build embedded. */
function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  let bytes = decoded.get(base64);
  if (bytes === undefined) {
    const text = atob(base64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    decoded.set(base64, bytes);
  }
  return bytes;
}

/** Why the kernels cannot run in this JavaScript engine, or undefined if they can. */
export function unavailableReason(): string | undefined {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return "WebAssembly is not available in this JavaScript engine, so the 'wasm' backend cannot start (use 'js')";
  }
  if (!WebAssembly.validate(bytesOf(KERNELS_WASM_BASE64))) {
    return (
      "WebAssembly SIMD (128-bit) is not supported by this JavaScript engine, so the 'wasm' backend cannot start " +
      "(it needs Node 16.4+, Chrome 91+, Firefox 89+ or Safari 16.4+; use 'js')"
    );
  }
  return undefined;
}

/**
 * A shared memory for the threaded variant. It must declare a maximum; the largest is tried first
 * (4 GiB, the wasm32 limit), then smaller ones for engines that cannot reserve that much.
 */
function sharedMemory(): WebAssembly.Memory {
  let failure: unknown;
  for (const maximum of [65536, 16384, 4096]) {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum, shared: true });
    } catch (error) {
      failure = error;
    }
  }
  throw new Error(`wasm backend: could not create a shared memory (${failure instanceof Error ? failure.message : String(failure)})`);
}

/** The variant to load: on a shared memory wherever threads can run (then their number can change at any time). */
function variant(): { bytes: Uint8Array<ArrayBuffer>; imports: () => WebAssembly.Imports; shared: boolean } {
  if (threadsUnavailableReason() === undefined) {
    return { bytes: bytesOf(KERNELS_SHARED_WASM_BASE64), imports: () => ({ env: { memory: sharedMemory() } }), shared: true };
  }
  return { bytes: bytesOf(KERNELS_WASM_BASE64), imports: () => ({}), shared: false };
}

function kernelsOf(module: WebAssembly.Module, instance: WebAssembly.Instance, shared: boolean): LoadedKernels {
  const exports = instance.exports as unknown as KernelExports;
  return { exports, module, memory: exports.memory, shared };
}

let loaded: LoadedKernels | undefined;

/**
 * Compiles and instantiates the kernels asynchronously. Browsers refuse synchronous compilation of
 * modules this size on the main thread, so call this (it is what `wasmReady()` does) before
 * `setBackend('wasm')` there; Node compiles synchronously on first use when it was not called.
 */
export async function loadKernels(): Promise<LoadedKernels> {
  if (loaded !== undefined) return loaded;
  const reason = unavailableReason();
  if (reason !== undefined) throw new Error(reason);
  const { bytes, imports, shared } = variant();
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, imports());
  loaded ??= kernelsOf(module, instance, shared);
  return loaded;
}

/** The kernels, compiling them synchronously if `loadKernels()` has not run (throws saying why not possible). */
export function kernelsSync(): LoadedKernels {
  if (loaded !== undefined) return loaded;
  const reason = unavailableReason();
  if (reason !== undefined) throw new Error(reason);
  const { bytes, imports, shared } = variant();
  try {
    const module = new WebAssembly.Module(bytes);
    loaded = kernelsOf(module, new WebAssembly.Instance(module, imports()), shared);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the 'wasm' backend could not compile its kernels synchronously here (${detail}); ` +
        "call `await wasmReady()` from '@keel/backend-wasm' before setBackend('wasm')",
    );
  }
  return loaded;
}

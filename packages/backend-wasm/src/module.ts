import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';

/** The functions the AssemblyScript kernels export (pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number, work: number): void;
  gemmWorkFloats(): number;
  unary(op: number, x: number, out: number, n: number): void;
  affine(x: number, out: number, n: number, scale: number, offset: number): void;
  clip(mode: number, x: number, out: number, n: number, below: number, above: number, low: number, high: number): void;
  binary(op: number, a: number, aLayout: number, b: number, bLayout: number, out: number, outer: number, inner: number): void;
  oneHot(indices: number, out: number, n: number, depth: number): void;
  transpose2d(x: number, out: number, rows: number, cols: number, count: number): void;
  reduce(kind: number, x: number, out: number, outer: number, reduced: number, inner: number): void;
  softmax(log: number, x: number, out: number, outer: number, dim: number, inner: number): void;
}

let bytes: Uint8Array<ArrayBuffer> | undefined;

/** The module's bytes, decoded once from the base64 the build embedded. */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  if (bytes === undefined) {
    const text = atob(KERNELS_WASM_BASE64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  }
  return bytes;
}

/** Why the kernels cannot run in this JavaScript engine, or undefined if they can. */
export function unavailableReason(): string | undefined {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    return "WebAssembly is not available in this JavaScript engine, so the 'wasm' backend cannot start (use 'js')";
  }
  if (!WebAssembly.validate(moduleBytes())) {
    return (
      "WebAssembly SIMD (128-bit) is not supported by this JavaScript engine, so the 'wasm' backend cannot start " +
      "(it needs Node 16.4+, Chrome 91+, Firefox 89+ or Safari 16.4+; use 'js')"
    );
  }
  return undefined;
}

let instance: KernelExports | undefined;

function exportsOf(created: WebAssembly.Instance): KernelExports {
  return created.exports as unknown as KernelExports;
}

/**
 * Compiles and instantiates the kernels asynchronously. Browsers refuse synchronous compilation of
 * modules this size on the main thread, so call this (it is what `wasmReady()` does) before
 * `setBackend('wasm')` there; Node compiles synchronously on first use when it was not called.
 */
export async function loadKernels(): Promise<KernelExports> {
  if (instance !== undefined) return instance;
  const reason = unavailableReason();
  if (reason !== undefined) throw new Error(reason);
  const compiled = await WebAssembly.compile(moduleBytes());
  const created = await WebAssembly.instantiate(compiled, {});
  instance ??= exportsOf(created);
  return instance;
}

/** The kernels, compiling them synchronously if `loadKernels()` has not run (throws saying why not possible). */
export function kernelsSync(): KernelExports {
  if (instance !== undefined) return instance;
  const reason = unavailableReason();
  if (reason !== undefined) throw new Error(reason);
  try {
    instance = exportsOf(new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {}));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the 'wasm' backend could not compile its kernels synchronously here (${detail}); ` +
        "call `await wasmReady()` from '@keel/backend-wasm' before setBackend('wasm')",
    );
  }
  return instance;
}

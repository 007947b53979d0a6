import type { AttrsOf, InputsOf, Kernel, KernelTable, OpName, StorageRecord } from '@keel/tensor';
import type { WasmBackend } from './backend.js';
import type { WasmHandle } from './memory.js';

// How a 'wasm' kernel runs: float32 inputs (the backend's `dtypes`) in WebAssembly; anything else,
// and any case a body leaves out, on the 'js' fallback by @keel/tensor's one rule.

/** A tensor as a 'wasm' kernel sees it: the handle of its block, its shape and dtype. */
export type WasmRecord = StorageRecord<WasmHandle>;

/** A kernel's body, given the backend; undefined for a layout it does not handle (the fallback runs it). */
export type WasmBody<Op extends OpName> = (backend: WasmBackend, inputs: InputsOf<Op, WasmRecord>, attrs: AttrsOf<Op>) => WasmRecord | undefined;

export type WasmBodies = { readonly [Op in OpName]?: WasmBody<Op> };

/** The body of `op`'s kernel (the op names it, for its types). */
export function kernel<Op extends OpName>(_op: Op, body: WasmBody<Op>): WasmBody<Op> {
  return body;
}

/** The number of values of a record. */
export const count = (r: WasmRecord): number => r.data.box.size;

/** The kernels of `backend`: each body run as one kernel call (the blocks it reads pinned while it runs). */
export function bindKernels(backend: WasmBackend, bodies: WasmBodies): KernelTable<WasmHandle> {
  const bound: Record<string, Kernel<OpName, WasmHandle>> = {};
  for (const [op, body] of Object.entries(bodies) as [OpName, WasmBody<OpName>][]) {
    bound[op] = (inputs, attrs) => {
      backend.begin();
      return body(backend, inputs, attrs);
    };
  }
  return bound;
}

import type { AttrsOf, InputsOf, Kernel, KernelTable, OpName, StorageRecord, TypedArray } from '@keel/tensor';
import type { NativeBackend } from '../backend.js';

/** A tensor as a 'native' kernel sees it: its array (float32: the backend's `dtypes`), shape and dtype. */
export type NativeRecord = StorageRecord<TypedArray>;

/**
 * A kernel's body: its C call on float32 inputs (the engine sends any other dtype to the 'js'
 * fallback), given the backend it runs on. It returns undefined for a case it leaves to the
 * fallback (a rank or size beyond the C walk's limits).
 */
export type NativeBody<Op extends OpName> = (backend: NativeBackend, inputs: InputsOf<Op, NativeRecord>, attrs: AttrsOf<Op>) => NativeRecord | undefined;

/** The bodies by op. */
export type NativeBodies = { readonly [Op in OpName]?: NativeBody<Op> };

/** The body of `op`'s kernel (the op names it, for its types). */
export function kernel<Op extends OpName>(_op: Op, body: NativeBody<Op>): NativeBody<Op> {
  return body;
}

/** The kernels of `backend`: each body bound to it. */
export function bindKernels(backend: NativeBackend, bodies: NativeBodies): KernelTable<TypedArray> {
  const bound: Record<string, Kernel<OpName, TypedArray>> = {};
  for (const [op, body] of Object.entries(bodies) as [OpName, NativeBody<OpName>][]) {
    bound[op] = (inputs, attrs) => body(backend, inputs, attrs);
  }
  return bound;
}

/** The values of a float32 input, borrowed for the call. */
export const f32 = (r: NativeRecord): Float32Array => r.data as Float32Array;

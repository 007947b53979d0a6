import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { AttrsOf, HostRecord, InputsOf } from '../../kernel.js';
import type { OpName } from '../../op-signatures.js';
import type { Shape } from '../../shape.js';

/** A 'js' kernel: host records in, a host record out (it handles every case: it is the reference). */
export type JsKernel<Op extends OpName> = (inputs: InputsOf<Op, HostRecord>, attrs: AttrsOf<Op>) => HostRecord;

/** A result of a 'js' kernel. */
export function host(data: TypedArray, shape: Shape, dtype: DType): HostRecord {
  return { data, shape, dtype };
}

export { allocate };

export { broadcastStrides } from '../../shape.js';

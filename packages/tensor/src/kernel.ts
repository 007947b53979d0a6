// What a kernel is: a function from storage records to a storage record, typed per op from the op
// table. Kernels never see a Tensor, never record gradients and never free anything: they read
// their inputs for the length of the call and return a new record the engine wraps in a Tensor.
import type { DType, TypedArray } from './dtype.js';
import type { AttrType, OP_SIGNATURES, OpName } from './op-signatures.js';
import type { Shape } from './shape.js';

/**
 * A tensor as a kernel sees it: the backend's data (a typed array on 'js' and 'native', a handle
 * into linear memory on 'wasm'), its shape and dtype. Row-major and contiguous.
 */
export interface StorageRecord<D = unknown> {
  readonly data: D;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** A storage record whose data is on the host: what the 'js' kernels take and return. */
export type HostRecord = StorageRecord<TypedArray>;

/** Attributes of a kernel call (axes, flags, sizes): plain data only. */
export type Attrs = Readonly<Record<string, unknown>>;

type AttrValue<T> = T extends 'number'
  ? number
  : T extends 'boolean'
    ? boolean
    : T extends 'numbers'
      ? readonly number[]
      : T extends 'pairs'
        ? readonly (readonly [number, number])[]
        : T extends 'dtype'
          ? DType
          : T extends readonly (infer Name)[]
            ? Name
            : never;

type Signature<Op extends OpName> = (typeof OP_SIGNATURES)[Op];

/** The attributes of `Op`, typed from the op table (`{ scale: number; offset: number }` for 'affine'). */
export type AttrsOf<Op extends OpName> = {
  readonly [Name in keyof Signature<Op>['attrs']]: Signature<Op>['attrs'][Name] extends AttrType ? AttrValue<Signature<Op>['attrs'][Name]> : never;
};

type InputTuple<Names, R> = Names extends readonly []
  ? []
  : Names extends readonly [infer First, ...infer Rest]
    ? First extends `...${string}`
      ? R[]
      : First extends `${string}?`
        ? [R?, ...InputTuple<Rest, R>]
        : [R, ...InputTuple<Rest, R>]
    : never;

/** The inputs of `Op` as a tuple of records (`[x]`, `[a, b]`, `[z, bias?]`, any number for concat). */
export type InputsOf<Op extends OpName, R> = Readonly<InputTuple<Signature<Op>['inputs'], R>>;

/**
 * The kernel of `Op` on a backend whose data is `D`. It may return undefined for a case it does not
 * handle (a layout, a size): the engine then runs the backend's fallback (see defineBackend).
 */
export type Kernel<Op extends OpName, D = unknown> = {
  // method syntax: parameters are checked bivariantly, so a Backend<Float32Array> is a Backend
  kernel(inputs: InputsOf<Op, StorageRecord<D>>, attrs: AttrsOf<Op>): StorageRecord<D> | undefined;
}['kernel'];

/** A backend's kernels by op: any subset of the op table. */
export type KernelTable<D = unknown> = { readonly [Op in OpName]?: Kernel<Op, D> };

/** A kernel of any op, as the engine and the registry hold it (a plugin's own op included). */
export type AnyKernel = {
  kernel(inputs: readonly StorageRecord[], attrs: Attrs): StorageRecord | undefined;
}['kernel'];

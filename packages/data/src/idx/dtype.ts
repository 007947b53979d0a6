/** The element types an IDX file can hold, by their type code in byte 2 of the header. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array each dtype is returned as. */
export interface IdxArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** A parsed IDX file: `dtype` narrows `data` to the matching typed array. */
export type IdxArray = {
  [D in IdxDtype]: { readonly dtype: D; readonly shape: number[]; readonly data: IdxArrays[D] };
}[IdxDtype];

/** More than this many data bytes cannot be one typed array; a header asking for it is corrupt. */
export const MAX_IDX_DATA_BYTES = 2 ** 31 - 1;
/** The largest a whole IDX file can be: the data and a header of at most 255 dimensions. */
export const MAX_IDX_FILE_BYTES = MAX_IDX_DATA_BYTES + 4 + 4 * 255;

interface TypeInfo {
  readonly dtype: IdxDtype;
  readonly size: number;
}

/** Type codes from the IDX spec (yann.lecun.com/exdb/mnist); data is big-endian. */
export const IDX_TYPE_CODES: ReadonlyMap<number, TypeInfo> = new Map([
  [0x08, { dtype: 'uint8', size: 1 }],
  [0x09, { dtype: 'int8', size: 1 }],
  [0x0b, { dtype: 'int16', size: 2 }],
  [0x0c, { dtype: 'int32', size: 4 }],
  [0x0d, { dtype: 'float32', size: 4 }],
  [0x0e, { dtype: 'float64', size: 8 }],
]);

/** `0x08 uint8, 0x09 int8, ...` for messages. */
export function knownTypeCodes(): string {
  return [...IDX_TYPE_CODES].map(([code, info]) => `${hexByte(code, true)} ${info.dtype}`).join(', ');
}

export function hexByte(value: number, prefix = false): string {
  return (prefix ? '0x' : '') + value.toString(16).padStart(2, '0');
}

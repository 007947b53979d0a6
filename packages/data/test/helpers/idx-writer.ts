// An IDX writer for tests, written straight from the format description (independently of the
// parser), so round trips check the parser against the spec rather than against itself.
import type { IdxDtype } from '../../src/index.js';

const FORMAT: Record<IdxDtype, { code: number; size: number; set: (view: DataView, at: number, value: number) => void }> = {
  uint8: { code: 0x08, size: 1, set: (v, at, x) => v.setUint8(at, x) },
  int8: { code: 0x09, size: 1, set: (v, at, x) => v.setInt8(at, x) },
  int16: { code: 0x0b, size: 2, set: (v, at, x) => v.setInt16(at, x, false) },
  int32: { code: 0x0c, size: 4, set: (v, at, x) => v.setInt32(at, x, false) },
  float32: { code: 0x0d, size: 4, set: (v, at, x) => v.setFloat32(at, x, false) },
  float64: { code: 0x0e, size: 8, set: (v, at, x) => v.setFloat64(at, x, false) },
};

export function writeIdx(dtype: IdxDtype, shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const { code, size, set } = FORMAT[dtype];
  const header = 4 + 4 * shape.length;
  const bytes = new Uint8Array(header + values.length * size);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, code, shape.length]);
  shape.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  for (let i = 0; i < values.length; i++) set(view, header + i * size, values[i]);
  return bytes;
}

/** The error a function throws, or a failure when it throws nothing. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected an error, nothing was thrown');
}

export async function rejected(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected a rejection, the promise resolved');
}

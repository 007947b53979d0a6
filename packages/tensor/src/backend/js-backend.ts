import type { DType, TypedArray } from '../dtype.js';
import type { Backend } from './backend.js';

/**
 * The reference backend: values are typed arrays owned by the garbage collector,
 * so nothing needs disposing and memory is reclaimed like any other JavaScript object.
 */
export const jsBackend: Backend = {
  name: 'js',
  upload(values: TypedArray): unknown {
    return values;
  },
  download(handle: unknown, _dtype: DType, _size: number): TypedArray {
    return handle as TypedArray;
  },
};

import type { TypedArray } from '../dtype.js';
import { jsKernels } from '../kernels/js/index.js';
import { defineBackend, type Backend } from './backend.js';

/**
 * The reference backend: values are typed arrays owned by the garbage collector, so nothing needs
 * disposing and memory is reclaimed like any other JavaScript object. It has a kernel for every
 * op, so it needs no fallback: every other backend falls back to it.
 */
export const jsBackend: Backend<TypedArray> = defineBackend<TypedArray>({
  name: 'js',
  kernels: jsKernels,
  fallback: null,
  upload: (values) => values,
  download: (data) => data,
});

import { jsBackend } from '../../backend/js-backend.js';
import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';

/** A result of a 'js' kernel. */
export function jsTensor(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  return new Tensor(values, shape, dtype, jsBackend);
}

export { allocate };

/** Strides of `shape` aligned to `outShape`'s rank, with 0 on broadcast dims. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = rank - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

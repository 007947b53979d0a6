import { jsBackend } from '../../backend/js-backend.js';
import { allocate, type DType, type TypedArray } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';

/** A result of a 'js' kernel. */
export function jsTensor(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  return new Tensor(values, shape, dtype, jsBackend);
}

export { allocate };

export { broadcastStrides } from '../../shape.js';

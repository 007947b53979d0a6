/** float32 for work, float64 for gradient checking. */
export type DType = 'float32' | 'float64';

export type TypedArray = Float32Array | Float64Array;

export function allocate(dtype: DType, size: number): TypedArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype of a result computed from inputs of these dtypes: float64 wins. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64';
}

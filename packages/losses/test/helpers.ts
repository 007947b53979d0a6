import { tensor, type NestedArray, type Tensor } from '@keel/tensor';

/** A float64 tensor, so closed-form values can be compared tightly. */
export function f64(data: NestedArray): Tensor {
  return tensor(data, undefined, { dtype: 'float64' });
}

export function valuesOf(t: Tensor): number[] {
  return Array.from(t.values);
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

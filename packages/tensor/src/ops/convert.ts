import type { DType } from '../dtype.js';
import { engine } from '../engine.js';
import { TensorError } from '../errors.js';
import { Tensor, type NestedArray } from '../tensor.js';

/** What ops accept: a tensor, a number, or nested arrays of numbers. */
export type TensorLike = Tensor | number | NestedArray;

/** Flattens nested arrays, checking they are rectangular. */
export function flattenNested(op: string, data: NestedArray): { values: number[]; shape: number[] } {
  if (typeof data === 'number') return { values: [data], shape: [] };
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const values: number[] = [];
  const walk = (node: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw new TensorError(op, `ragged nested array: element ${path} is not a number`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new TensorError(op, `ragged nested array: element ${path || '[]'} should have ${shape[depth]} entries`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, '');
  return { values, shape };
}

/** Non-finite values in user data are rejected where they enter, not discovered as NaN later. */
export function checkFinite(op: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new TensorError(op, `value ${String(v)} at index ${i} is not finite (pass { allowNonFinite: true } if that is intended)`);
    }
  }
}

/** A tensor from anything ops accept; numbers become scalars of `dtype`. */
export function toTensor(op: string, value: TensorLike, dtype: DType = 'float32'): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TensorError(op, `the scalar operand ${String(value)} is not finite`);
    const values = dtype === 'float64' ? new Float64Array([value]) : new Float32Array([value]);
    return Tensor.fromValues(values, [], dtype, engine.backend);
  }
  const { values, shape } = flattenNested(op, value);
  checkFinite(op, values);
  const typed = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return Tensor.fromValues(typed, shape, dtype, engine.backend);
}

/** Two operands as tensors; a plain number takes the dtype of the tensor beside it. */
export function toTensorPair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const dtypeA = a instanceof Tensor ? a.dtype : undefined;
  const dtypeB = b instanceof Tensor ? b.dtype : undefined;
  return [toTensor(op, a, dtypeA ?? dtypeB), toTensor(op, b, dtypeB ?? dtypeA)];
}

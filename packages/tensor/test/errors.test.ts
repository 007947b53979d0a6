import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { ShapeError, tensor, TensorError, type DType } from '../src/index.js';
import { thrown } from './helpers.js';

describe('error messages a user can act on', () => {
  it('matmul: inner dimensions, exactly', () => {
    const error = thrown(() => T.matmul(T.zeros([64, 784]), T.zeros([128, 10])));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error).toBeInstanceOf(TensorError);
    expect((error as TensorError).op).toBe('matmul');
    expect(error.message).toBe('matmul: inner dimensions differ: [64, 784] x [128, 10] (784 vs 128)');
    expect(() => T.matmul(T.zeros([3, 4]), T.zeros([3, 4]), { transposeB: false })).toThrow('matmul: inner dimensions differ: [3, 4] x [3, 4] (4 vs 3)');
    // transposed operands are marked
    expect(() => T.matmul(T.zeros([3, 4]), T.zeros([5, 4]), { transposeA: true, transposeB: true })).toThrow('matmul: inner dimensions differ: [3, 4]ᵀ x [5, 4]ᵀ (3 vs 4)');
    expect(() => T.matmul(T.zeros([4]), T.zeros([4, 2]))).toThrow(/matmul: needs operands of rank 2 or more, got \[4\] x \[4, 2\]/);
    expect(() => T.matmul(T.zeros([2, 3, 4]), T.zeros([5, 4, 2]))).toThrow(/matmul: shapes \[2\] and \[5\] cannot be broadcast together/);
  });

  it('broadcast failures name both shapes', () => {
    const error = thrown(() => T.add(T.zeros([2, 3]), T.zeros([4, 3])));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('add: shapes [2, 3] and [4, 3] cannot be broadcast together (dimension 0: 2 vs 4)');
    expect(() => T.mul(T.zeros([2, 3]), T.zeros([2]))).toThrow('mul: shapes [2, 3] and [2] cannot be broadcast together (dimension 1: 3 vs 2)');
    expect(() => T.where(T.zeros([3]), T.zeros([2, 3]), T.zeros([4]))).toThrow(/where: shapes \[2, 3\] and \[4\] cannot be broadcast together/);
    expect(() => T.broadcastTo(T.zeros([2, 3]), [3])).toThrow(/broadcastTo: .*\[2, 3\].*\[3\]/);
    expect(() => T.broadcastTo(T.zeros([3]), [3, 2])).toThrow(/broadcastTo: /);
  });

  it('invalid axes name the axis and the valid range', () => {
    expect(() => T.sum(T.zeros([2, 3]), { axis: 2 })).toThrow('sum: axis 2 is out of range for a tensor of rank 2 (valid: -2..1)');
    expect(() => T.mean(T.zeros([2, 3]), { axis: -3 })).toThrow('mean: axis -3 is out of range for a tensor of rank 2 (valid: -2..1)');
    expect(() => T.softmax(T.zeros([2, 3]), 5)).toThrow(/softmax: axis 5 is out of range/);
    expect(() => T.argmax(T.zeros([2]), 1)).toThrow(/argmax: axis 1 is out of range/);
    expect(() => T.concat([T.zeros([2])], 1)).toThrow(/concat: axis 1 is out of range/);
    expect(() => T.sum(T.zeros([2, 3]), { axis: 0.5 })).toThrow(/sum: axis 0.5 is out of range/);
    expect(() => T.sum(T.zeros([2, 3]), { axis: [0, -2] })).toThrow('sum: axes [0,-2] repeat an axis');
    expect(() => T.squeeze(T.zeros([2, 1]), 0)).toThrow('squeeze: axis 0 of [2, 1] has size 2, not 1');
    expect(() => T.transpose(T.zeros([2, 3]), [0, 0])).toThrow(/transpose: perm \[0,0\] is not a permutation/);
    expect(() => T.transpose(T.zeros([2, 3]), [0])).toThrow(/transpose: perm \[0\] is not a permutation/);
  });

  it('reshape size mismatches', () => {
    const error = thrown(() => T.reshape(T.zeros([2, 3]), [4, 2]));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('reshape: cannot reshape [2, 3] (6 values) to [4, 2] (8 values)');
    expect(() => T.reshape(T.zeros([2, 3]), [4, -1])).toThrow('reshape: cannot reshape [2, 3] (6 values) to [4, -1]');
    expect(() => T.reshape(T.zeros([2, 3]), [-1, -1])).toThrow(/reshape: cannot reshape \[2, 3\]/);
  });

  it('non-finite values are rejected where they enter, with the index', () => {
    expect(() => tensor([1, 2, NaN])).toThrow('tensor: value NaN at index 2 is not finite (pass { allowNonFinite: true } if that is intended)');
    expect(() => tensor([[1, 2], [Infinity, 0]])).toThrow('tensor: value Infinity at index 2 is not finite');
    expect(() => tensor(new Float32Array([0, -Infinity]), [2])).toThrow('tensor: value -Infinity at index 1 is not finite');
    expect(() => T.full([2], NaN)).toThrow(/full: fill value NaN is not finite/);
    expect(() => T.add(T.zeros([2]), [1, NaN])).toThrow('add: value NaN at index 1 is not finite');
    // scalar operands, on either side, through every arithmetic shortcut
    for (const [name, op] of Object.entries({ add: T.add, sub: T.sub, mul: T.mul, div: T.div, pow: T.pow, maximum: T.maximum, minimum: T.minimum })) {
      expect(() => op(T.ones([2]), NaN), name).toThrow(`${name}: the scalar operand NaN is not finite`);
      expect(() => op(Infinity, T.ones([2])), name).toThrow(`${name}: the scalar operand Infinity is not finite`);
    }
    expect(() => T.where(T.ones([2]), T.ones([2]), -Infinity)).toThrow('where: the scalar operand -Infinity is not finite');
  });

  it('ragged nested arrays', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: element [1] should have 2 entries');
    expect(() => tensor([[1, 2], 3])).toThrow('tensor: ragged nested array: element [1] should have 2 entries');
    expect(() => tensor([1, [2, 3]])).toThrow('tensor: ragged nested array: element [1] is not a number');
  });

  it('tensor() data that does not fill the shape, and bad shapes', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2, 2] (4 needed)');
    expect(() => T.zeros([2, -1])).toThrow(/zeros|full/);
    expect(() => T.zeros([1.5])).toThrow(/dimensions must be non-negative integers/);
  });

  it('gather and oneHot indices out of range', () => {
    expect(() => T.gather(T.zeros([3, 2]), [0, 3])).toThrow('gather: index 3 at position 1 is not a whole number in 0..2 (axis 0 of [3, 2])');
    expect(() => T.gather(T.zeros([3, 2]), [1], 1)).not.toThrow();
    expect(() => T.gather(T.zeros([3, 2]), [-1])).toThrow(/gather: index -1 at position 0/);
    expect(() => T.gather(T.zeros([3, 2]), [0.5])).toThrow(/gather: index 0.5 at position 0 is not a whole number/);
    expect(() => T.oneHot([0, 1, 5], 4)).toThrow('oneHot: index 5 at position 2 is not a whole number in 0..3 (depth 4)');
    expect(() => T.oneHot([0], 0)).toThrow('oneHot: depth must be a positive integer, got 0');
  });

  it('wrong dtype strings', () => {
    const bad = 'int32' as unknown as DType;
    expect(() => tensor([1], undefined, { dtype: bad })).toThrow("tensor: unknown dtype 'int32'; use 'float32' or 'float64'");
    expect(() => T.zeros([2], { dtype: bad })).toThrow(/unknown dtype 'int32'/);
    expect(() => T.randn([2], { dtype: bad })).toThrow(/unknown dtype 'int32'/);
    expect(() => T.arange(3, undefined, 1, { dtype: bad })).toThrow(/unknown dtype 'int32'/);
    expect(() => T.eye(2, 2, { dtype: bad })).toThrow(/unknown dtype 'int32'/);
    expect(() => T.cast(T.zeros([2]), 'float16' as unknown as DType)).toThrow("cast: unknown dtype 'float16'; use 'float32' or 'float64'");
  });

  it('conv2d and pooling shapes', () => {
    const error = thrown(() => T.conv2d(T.zeros([1, 5, 5, 3]), T.zeros([3, 3, 2, 4])));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('conv2d: input has 3 channels ([1, 5, 5, 3]) but the filter expects 2 ([3, 3, 2, 4])');
    expect(() => T.conv2d(T.zeros([5, 5, 3]), T.zeros([3, 3, 3, 4]))).toThrow('conv2d: expects input [batch, height, width, channels], got [5, 5, 3]');
    expect(() => T.conv2d(T.zeros([1, 5, 5, 3]), T.zeros([3, 3, 3]))).toThrow(/conv2d: expects a filter \[kernelH, kernelW, inChannels, outChannels\]/);
    expect(() => T.conv2d(T.zeros([1, 2, 2, 1]), T.zeros([3, 3, 1, 1]))).toThrow(/conv2d: a 3x3 window does not fit input \[1, 2, 2, 1\]/);
    expect(() => T.conv2d(T.zeros([1, 4, 4, 1]), T.zeros([3, 3, 1, 1]), { strides: 0 })).toThrow(/conv2d: kernel size and strides must be positive integers/);
    expect(() => T.maxPool2d(T.zeros([4, 4]), 2)).toThrow(/maxPool2d: expects input \[batch, height, width, channels\]/);
    expect(() => T.avgPool2d(T.zeros([1, 4, 4, 1]), 0)).toThrow(/avgPool2d: kernel size and strides must be positive integers/);
  });

  it('layout argument errors', () => {
    expect(() => T.slice(T.zeros([3, 3]), [2, 0], [2, 1])).toThrow(/slice: begin \[2,0\] size \[2,1\] is outside \[3, 3\] \(axis 0\)/);
    expect(() => T.slice(T.zeros([3]), [0, 0])).toThrow(/slice: begin \[0,0\] has more entries than \[3\] has axes/);
    expect(() => T.concat([T.zeros([2, 3]), T.zeros([3, 3])], 1)).toThrow('concat: tensor 1 has shape [3, 3], which does not match [2, 3] outside axis 1');
    expect(() => T.concat([])).toThrow('concat: needs at least one tensor');
    expect(() => T.stack([T.zeros([2]), T.zeros([3])])).toThrow('stack: tensor 1 has shape [3], tensor 0 has [2]');
    expect(() => T.pad(T.zeros([2, 2]), [[1, 1]])).toThrow(/pad: paddings \[\[1,1\]\] must give \[before, after\] >= 0 for each of the 2 axes/);
    expect(() => T.pad(T.zeros([2]), [[-1, 0]])).toThrow(/pad: paddings/);
    expect(() => T.sumTo(T.zeros([2, 3]), [4])).toThrow('sumTo: [2, 3] was not broadcast from [4], so it cannot be summed back to it');
    expect(() => T.sumTo(T.zeros([3]), [2, 3])).toThrow(/sumTo: \[3\] was not broadcast from \[2, 3\]/);
    expect(T.sumTo(T.ones([2, 3]), [1, 3]).toArray()).toEqual([[2, 2, 2]]);
    expect(() => T.clip(T.zeros([2]), 1, 0)).toThrow('clip: low (1) must not exceed high (0)');
    expect(() => T.div(T.zeros([2]), 0)).toThrow('div: division by the scalar 0');
    expect(() => T.arange(0, 1, 0)).toThrow('arange: step must be a finite non-zero number, got 0');
    expect(() => T.zeros([2]).item()).toThrow('item: needs a tensor with one element, got shape [2]');
    expect(() => T.zeros([2]).assign(T.zeros([3]))).toThrow('assign: cannot assign shape [3] to a tensor of shape [2]');
    const named = T.zeros([2]);
    named.name = 'dense_1/bias';
    expect(() => named.assign(T.zeros([3]))).toThrow('assign: cannot assign shape [3] to dense_1/bias of shape [2]');
  });
});

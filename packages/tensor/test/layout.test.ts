import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { Random, tensor } from '../src/index.js';
import { coordsOf, expectClose, f32, indexOf, randomValues, size, type Ref, type Shape } from './helpers.js';

function refPermute(values: readonly number[], shape: Shape, perm: readonly number[]): Ref {
  const outShape = perm.map((a) => shape[a]);
  const out = Array.from({ length: values.length }, (_, o) => {
    const c = coordsOf(o, outShape);
    const source = new Array<number>(shape.length);
    perm.forEach((axis, i) => (source[axis] = c[i]));
    return values[indexOf(source, shape)];
  });
  return { values: out, shape: outShape };
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('transpose / permute', () => {
  it('reverses axes by default (matrix transpose)', () => {
    expect(T.transpose(tensor([[1, 2, 3], [4, 5, 6]])).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
  });

  for (const shape of [[2, 3], [2, 3, 4], [2, 1, 3, 2]]) {
    it(`every permutation of ${JSON.stringify(shape)}`, () => {
      const values = iota(size(shape));
      const x = tensor(values, shape);
      for (const perm of permutations(shape.length)) {
        expectClose(T.transpose(x, perm), refPermute(values, shape, perm), { rtol: 0, atol: 0 });
        expectClose(T.permute(x, perm.map((a) => a - shape.length)), refPermute(values, shape, perm), { rtol: 0, atol: 0 });
      }
    });
  }
});

describe('reshape, flatten, expandDims, squeeze, broadcastTo', () => {
  it('reshape keeps row-major order and infers -1', () => {
    const x = tensor(iota(12), [3, 4]);
    expect(T.reshape(x, [2, 6]).toArray()).toEqual([iota(6), iota(6).map((v) => v + 6)]);
    expect(T.reshape(x, [-1]).shape).toEqual([12]);
    expect(T.reshape(x, [2, -1, 3]).shape).toEqual([2, 2, 3]);
    expect(T.reshape(x, [-1, 1]).shape).toEqual([12, 1]);
    expect([...T.reshape(x, [2, 2, 3]).values]).toEqual(iota(12));
    expect(T.reshape(tensor([5]), []).shape).toEqual([]);
    expect(T.reshape(x, [3, 4])).toBe(x);
  });

  it('flatten keeps the batch axis', () => {
    expect(T.flatten(T.zeros([2, 3, 4])).shape).toEqual([2, 12]);
    expect(T.flatten(T.zeros([5])).shape).toEqual([5, 1]);
  });

  it('expandDims and squeeze', () => {
    const x = T.zeros([2, 3]);
    expect(T.expandDims(x).shape).toEqual([1, 2, 3]);
    expect(T.expandDims(x, 1).shape).toEqual([2, 1, 3]);
    expect(T.expandDims(x, 2).shape).toEqual([2, 3, 1]);
    expect(T.expandDims(x, -1).shape).toEqual([2, 3, 1]);
    const y = T.zeros([1, 2, 1, 3, 1]);
    expect(T.squeeze(y).shape).toEqual([2, 3]);
    expect(T.squeeze(y, 0).shape).toEqual([2, 1, 3, 1]);
    expect(T.squeeze(y, [2, -1]).shape).toEqual([1, 2, 3]);
    expect([...T.squeeze(tensor([[[1], [2]]])).values]).toEqual([1, 2]);
  });

  it('broadcastTo repeats size-1 and missing axes', () => {
    expect(T.broadcastTo(tensor([1, 2, 3]), [2, 3]).toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(T.broadcastTo(tensor([[1], [2]]), [2, 2, 3]).toArray()).toEqual([[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]]);
    expect([...T.broadcastTo(tensor(7), [3]).values]).toEqual([7, 7, 7]);
  });
});

describe('slice', () => {
  it('boxes against a coordinate reference', () => {
    const shape = [3, 4, 5];
    const values = iota(60);
    const x = tensor(values, shape);
    const boxes: [number[], number[] | undefined][] = [
      [[0, 0, 0], [3, 4, 5]],
      [[1, 2, 3], [2, 2, 2]],
      [[1], undefined],
      [[0, 1], [-1, 2]],
      [[2, 3, 4], [1, 1, 1]],
      [[0, 0, 2], [3, -1, -1]],
      [[1, 0, 0], [0, 4, 5]],
    ];
    for (const [begin, sz] of boxes) {
      const start = shape.map((_, i) => begin[i] ?? 0);
      const extent = shape.map((d, i) => (sz?.[i] ?? -1) === -1 ? d - start[i] : (sz as number[])[i]);
      const expected = Array.from({ length: size(extent) }, (_, o) => values[indexOf(coordsOf(o, extent).map((c, i) => c + start[i]), shape)]);
      expectClose(T.slice(x, begin, sz), { values: expected, shape: extent }, { rtol: 0, atol: 0 });
    }
  });
});

describe('concat and stack', () => {
  it('concat along each axis', () => {
    const a = tensor(iota(6), [2, 3]);
    const b = tensor(iota(4).map((v) => v + 100), [2, 2]);
    expect(T.concat([a, b], 1).toArray()).toEqual([[0, 1, 2, 100, 101], [3, 4, 5, 102, 103]]);
    expect(T.concat([a, b], -1).shape).toEqual([2, 5]);
    const c = tensor([[9, 9, 9]]);
    expect(T.concat([a, c, a]).toArray()).toEqual([[0, 1, 2], [3, 4, 5], [9, 9, 9], [0, 1, 2], [3, 4, 5]]);
    const x = tensor(iota(24), [2, 3, 4]);
    const y = tensor(iota(8).map((v) => -v), [2, 1, 4]);
    const out = T.concat([x, y], 1);
    expect(out.shape).toEqual([2, 4, 4]);
    const expected = Array.from({ length: 32 }, (_, o) => {
      const [i, j, k] = coordsOf(o, [2, 4, 4]);
      return j < 3 ? x.values[indexOf([i, j, k], [2, 3, 4])] : y.values[indexOf([i, 0, k], [2, 1, 4])];
    });
    expect([...out.values]).toEqual(expected);
    expect(T.concat([a])).toBe(a);
  });

  it('stack adds a new axis', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    expect(T.stack([a, b]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(T.stack([a, b], 1).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(T.stack([a, b], -1).shape).toEqual([3, 2]);
    expect(T.stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });
});

describe('gather and oneHot', () => {
  it('gather rows, columns and with a matrix of indices', () => {
    const x = tensor(iota(12), [3, 4]);
    expect(T.gather(x, [2, 0, 2]).toArray()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3], [8, 9, 10, 11]]);
    expect(T.gather(x, [3, 1], 1).toArray()).toEqual([[3, 1], [7, 5], [11, 9]]);
    expect(T.gather(x, [[0, 1], [1, 1]]).shape).toEqual([2, 2, 4]);
    expect(T.gather(x, [[0, 1], [1, 1]]).toArray()).toEqual([[[0, 1, 2, 3], [4, 5, 6, 7]], [[4, 5, 6, 7], [4, 5, 6, 7]]]);
    expect(T.gather(x, 1).toArray()).toEqual([4, 5, 6, 7]);
    const cube = tensor(iota(24), [2, 3, 4]);
    const mid = T.gather(cube, [2, 0], 1);
    expect(mid.shape).toEqual([2, 2, 4]);
    const expected = Array.from({ length: 16 }, (_, o) => {
      const [i, j, k] = coordsOf(o, [2, 2, 4]);
      return indexOf([i, [2, 0][j], k], [2, 3, 4]);
    });
    expect([...mid.values]).toEqual(expected);
  });

  it('oneHot', () => {
    expect(T.oneHot([0, 2, 1], 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(T.oneHot([[1], [0]], 2).shape).toEqual([2, 1, 2]);
    expect(T.oneHot(tensor([3], undefined, { dtype: 'float64' }), 4).dtype).toBe('float64');
  });
});

describe('pad and cast', () => {
  it('pad with zeros or a constant, per axis', () => {
    expect(T.pad(tensor([[1, 2], [3, 4]]), [[1, 0], [0, 2]]).toArray()).toEqual([[0, 0, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0]]);
    expect(T.pad(tensor([1, 2]), [[2, 1]], -1).toArray()).toEqual([-1, -1, 1, 2, -1]);
    const shape = [2, 3, 2];
    const x = tensor(iota(12), shape);
    const paddings: [number, number][] = [[0, 1], [2, 0], [1, 1]];
    const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    const expected = Array.from({ length: size(outShape) }, (_, o) => {
      const c = coordsOf(o, outShape).map((v, i) => v - paddings[i][0]);
      return c.every((v, i) => v >= 0 && v < shape[i]) ? indexOf(c, shape) : 5.5;
    });
    expectClose(T.pad(x, paddings, 5.5), { values: expected, shape: outShape }, { rtol: 0, atol: 0 });
  });

  it('cast between float32 and float64', () => {
    const x = tensor([0.1, 0.2], undefined, { dtype: 'float64' });
    const f = T.cast(x, 'float32');
    expect(f.dtype).toBe('float32');
    expect(f.values).toBeInstanceOf(Float32Array);
    expect([...f.values]).toEqual(f32([0.1, 0.2]));
    const back = T.cast(f, 'float64');
    expect(back.values).toBeInstanceOf(Float64Array);
    expect([...back.values]).toEqual(f32([0.1, 0.2]));
    expect(T.cast(x, 'float64')).toBe(x);
  });
});

describe('clip', () => {
  it('against a reference', () => {
    const values = f32(randomValues(new Random(3), 20, -3, 3));
    expectClose(T.clip(tensor(values), -1, 2), values.map((v) => Math.min(2, Math.max(-1, v))), { rtol: 0, atol: 0 });
  });
});

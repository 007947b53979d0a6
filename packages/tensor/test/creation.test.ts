import { describe, expect, it } from 'vitest';
import {
  arange, eye, full, normal, ones, onesLike, rand, randn, Random, scalar, setSeed, Tensor, tensor, uniform, zeros, zerosLike,
} from '../src/index.js';
import { expectClose, f32 } from './helpers.js';

describe('tensor()', () => {
  it('infers shapes from nested arrays, row-major', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect([...t.values]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const cube = tensor([[[1], [2]], [[3], [4]], [[5], [6]]]);
    expect(cube.shape).toEqual([3, 2, 1]);
    expect([...cube.values]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('makes scalars and empty tensors', () => {
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(3.5);
    expect(scalar(-2, { dtype: 'float64' }).dtype).toBe('float64');
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('takes flat typed arrays and plain arrays with a shape, copying the data', () => {
    const source = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(source, [3, 2]);
    expect(t.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    source[0] = 100;
    expect(t.values[0]).toBe(1);
    const d = tensor(new Float64Array([0.1, 0.2]), [2, 1], { dtype: 'float64' });
    expect(d.dtype).toBe('float64');
    expect(d.values).toBeInstanceOf(Float64Array);
    expect([...d.values]).toEqual([0.1, 0.2]);
    expect(tensor([1, 2, 3, 4], [2, 2]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(new Float32Array([7, 8])).shape).toEqual([2]);
  });

  it('rounds to float32 by default and keeps float64 when asked', () => {
    expect(tensor([0.1]).values[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], undefined, { dtype: 'float64' }).values[0]).toBe(0.1);
  });

  it('accepts non-finite values only when allowed', () => {
    const t = tensor([1, NaN, Infinity, -Infinity], [4], { allowNonFinite: true });
    expect([...t.values]).toEqual([1, NaN, Infinity, -Infinity]);
  });

  it('marks leaves that require gradients', () => {
    expect(tensor([1], undefined, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor([1]).requiresGrad).toBe(false);
  });

  it('dataSync() and await data() are copies, values is the storage', async () => {
    const t = tensor([1, 2]);
    const copy = t.dataSync();
    copy[0] = 9;
    const later = await t.data();
    later[1] = 9;
    expect(Array.from(t.values)).toEqual([1, 2]);
    expect(t.values).toBe(t.values);
  });

  it('toString shows name, shape, dtype and small values', () => {
    const t = tensor([[1, 2]]);
    expect(t.toString()).toBe('Tensor [1, 2] float32 [[1,2]]');
    t.name = 'dense/bias';
    expect(t.toString()).toBe("Tensor 'dense/bias' [1, 2] float32 [[1,2]]");
  });
});

describe('filled tensors', () => {
  it('zeros, ones, full and the *Like variants', () => {
    expect([...zeros([2, 3]).values]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(zeros([2, 3]).shape).toEqual([2, 3]);
    expect([...ones([4]).values]).toEqual([1, 1, 1, 1]);
    expect([...full([2, 2], 2.5).values]).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect([...full([2], 0.1, { dtype: 'float64' }).values]).toEqual([0.1, 0.1]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([3, 0]).size).toBe(0);
    const base = tensor([[1, 2]], undefined, { dtype: 'float64' });
    expect(zerosLike(base).dtype).toBe('float64');
    expect(zerosLike(base).shape).toEqual([1, 2]);
    expect([...onesLike(base).values]).toEqual([1, 1]);
  });

  it('arange follows NumPy', () => {
    expect([...arange(5).values]).toEqual([0, 1, 2, 3, 4]);
    expect([...arange(2, 5).values]).toEqual([2, 3, 4]);
    expect([...arange(0, 10, 3).values]).toEqual([0, 3, 6, 9]);
    expect([...arange(5, 0, -2).values]).toEqual([5, 3, 1]);
    expect(arange(3, 3).size).toBe(0);
    expect(arange(5, 0).size).toBe(0);
    expectClose(arange(0, 1, 0.25, { dtype: 'float64' }), [0, 0.25, 0.5, 0.75], { rtol: 0, atol: 0 });
    expectClose(arange(-1, 1, 0.3), f32([-1, -0.7, -0.4, -0.1, 0.2, 0.5, 0.8]), { rtol: 1e-6 });
  });

  it('eye is the identity, square or rectangular', () => {
    expect(eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(eye(2, 2, { dtype: 'float64' }).dtype).toBe('float64');
  });
});

describe('seeded random tensors', () => {
  it('a seed is a whole number from 0 to 2^32 - 1: -1, 1.5, NaN, 2^32 and a string are refused, not folded onto another seed', () => {
    for (const bad of [-1, 1.5, NaN, 2 ** 32]) expect(() => new Random(bad)).toThrow(`a seed must be a whole number from 0 to 4294967295, got ${String(bad)}`);
    expect(() => setSeed('1' as unknown as number)).toThrow("a seed must be a whole number from 0 to 4294967295, got '1'");
    expect(new Random(4294967295).nextUint32()).toBe(new Random(4294967295).nextUint32());
  });

  const mean = (v: ArrayLike<number>): number => Array.from(v).reduce((p, x) => p + x, 0) / v.length;
  const std = (v: ArrayLike<number>): number => {
    const m = mean(v);
    return Math.sqrt(Array.from(v).reduce((p, x) => p + (x - m) ** 2, 0) / v.length);
  };

  it('the same seed gives the same numbers, different seeds differ', () => {
    for (const make of [
      (seed: number) => rand([50], { seed }),
      (seed: number) => randn([50], { seed }),
      (seed: number) => uniform([50], -3, 2, { seed }),
      (seed: number) => normal([50], 1, 2, { seed }),
    ]) {
      expect([...make(7).values]).toEqual([...make(7).values]);
      const a = make(7).values;
      const b = make(8).values;
      expect(Array.from(a).filter((v, i) => v === b[i]).length).toBe(0);
    }
  });

  it('an explicit generator continues its stream; setSeed reseeds the global one', () => {
    const r1 = new Random(3);
    const first = rand([4], { random: r1 });
    const second = rand([4], { random: r1 });
    expect([...first.values]).not.toEqual([...second.values]);
    const r2 = new Random(3);
    expect([...rand([8], { random: r2 }).values]).toEqual([...first.values, ...second.values]);
    setSeed(42);
    const g1 = [...randn([6]).values];
    setSeed(42);
    expect([...randn([6]).values]).toEqual(g1);
  });

  it('uniform stays in [low, high) with the right mean', () => {
    const u = uniform([10_000], -2, 3, { seed: 1, dtype: 'float64' }).values;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.05);
    // variance of U(a, b) is (b - a)² / 12
    expect(Math.abs(std(u) - 5 / Math.sqrt(12))).toBeLessThan(0.05);
    const r = rand([10_000], { seed: 2 }).values;
    expect(Math.min(...r)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r)).toBeLessThan(1);
  });

  it('float32 rounding never reaches the excluded upper bound', () => {
    /** A generator at the very top of its range: next() = (2^32 − 1) / 2^32. */
    class Topmost extends Random {
      override nextUint32(): number {
        return 0xffffffff;
      }
    }
    expect(new Topmost().next()).toBeLessThan(1);
    for (const [low, high] of [[0, 1], [-2, 3], [0.5, 0.75], [-1, -0.25], [0, 0.1], [-0.3, 0]]) {
      const values = uniform([4], low, high, { random: new Topmost() }).values;
      for (const v of values) {
        expect(v).toBeLessThan(high);
        expect(v).toBeGreaterThanOrEqual(low);
        // still the top of the range, only nudged below high
        expect(v).toBeGreaterThan(high - (high - low) * 1e-6);
      }
      expect(uniform([1], low, high, { random: new Topmost(), dtype: 'float64' }).values[0]).toBeLessThan(high);
    }
    expect(rand([3], { random: new Topmost() }).values.every((v) => v < 1)).toBe(true);
  });

  it('10k normals have the requested mean and std', () => {
    // standard error of the mean is std/100; of the std about std/141
    const standard = randn([10_000], { seed: 5 }).values;
    expect(Math.abs(mean(standard))).toBeLessThan(0.04);
    expect(Math.abs(std(standard) - 1)).toBeLessThan(0.04);
    const shifted = normal([100, 100], 3, 0.5, { seed: 6 });
    expect(shifted.shape).toEqual([100, 100]);
    expect(Math.abs(mean(shifted.values) - 3)).toBeLessThan(0.02);
    expect(Math.abs(std(shifted.values) - 0.5)).toBeLessThan(0.02);
    // roughly 68% within one std
    const within = Array.from(standard).filter((v) => Math.abs(v) < 1).length / standard.length;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.02);
  });

  it('Random: int, shuffle and fork', () => {
    const r = new Random(11);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new Random(1).shuffle([...items]);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).toEqual(new Random(1).shuffle([...items]));
    const parent = new Random(9);
    const child = parent.fork();
    expect(child.next()).not.toBe(parent.next());
  });
});

describe('Tensor basics', () => {
  it('reshape-free views: detach shares storage, assign replaces values', () => {
    const t = tensor([1, 2, 3]).requireGrad();
    const d = t.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.values).toBe(t.values);
    const p = tensor([0, 0, 0]);
    const before = p.id;
    p.assign(tensor([4, 5, 6]));
    expect(p.id).toBe(before);
    expect([...p.values]).toEqual([4, 5, 6]);
    p.assign(tensor([1, 2, 3], undefined, { dtype: 'float64' }));
    expect(p.dtype).toBe('float32');
    expect(p.values).toBeInstanceOf(Float32Array);
  });

  it('to() changes dtype with a copy', () => {
    const t = tensor([0.1, 0.2], undefined, { dtype: 'float64' });
    const f = t.to(t.backend, 'float32');
    expect(f.dtype).toBe('float32');
    expect([...f.values]).toEqual(f32([0.1, 0.2]));
    expect(t.to(t.backend)).toBe(t);
  });

  it('fromValues checks the size', () => {
    expect(() => Tensor.fromValues(new Float32Array(3), [2, 2], 'float32')).toThrow(/3 values do not fill shape \[2, 2\] \(4 needed\)/);
  });
});

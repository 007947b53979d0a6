import * as T from '@keel/tensor';
import { tensor, type Tensor } from '@keel/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeBackend } from '../src/index.js';
import { close, identical, install, on, skipReason, titled } from './helpers.js';

beforeAll(() => install());

/** fn on both backends with the same seeded inputs: the native result must be a 'native' tensor. */
function both(fn: () => Tensor): { actual: Tensor; expected: Tensor } {
  const expected = on('js', fn);
  const actual = on('native', fn);
  expect(actual.backend.name).toBe('native');
  expect(actual.shape).toEqual(expected.shape);
  return { actual, expected };
}

/** A pooling op and its gradient on 'native' give the 'js' reference's bits. */
function expectPoolingLikeJs(pool: 'maxPool2d' | 'avgPool2d', input: () => Tensor, size: [number, number], options: T.WindowOptions, label: string): void {
  const run = (): Tensor[] => {
    const x = input().requireGrad();
    const y = T[pool](x, size, options);
    T.sum(T.mul(y, T.uniform(y.shape, -1, 1, { seed: 15 }))).backward();
    return [y, x.grad as Tensor];
  };
  const [ey, edx] = on('js', run);
  const [ay, adx] = on('native', run);
  expect(identical(ay.values, ey.values), `${pool} ${label}`).toBe(true);
  expect(identical(adx.values, edx.values), `${pool} gradient ${label}`).toBe(true);
}

describe.skipIf(skipReason !== undefined)(titled('elementwise ops match js bit for bit, special values included'), () => {
  const special = [0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1e-30, -1e-30, 88, -88, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN, 3.4e38];
  const ops = ['neg', 'abs', 'sign', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'relu', 'step', 'floor', 'ceil', 'round', 'erf', 'isFinite'] as const;
  // libm and V8 may round a transcendental function's last double bit differently: float32 results then agree within 1 ulp
  const exact = new Set(['neg', 'abs', 'sign', 'sqrt', 'square', 'reciprocal', 'relu', 'step', 'floor', 'ceil', 'round', 'isFinite']);
  for (const op of ops) {
    it(op, () => {
      const { actual, expected } = both(() => T[op](tensor(special, undefined, { allowNonFinite: true })));
      const e = [...expected.values];
      [...actual.values].forEach((v, i) => {
        const ok = Object.is(v, e[i]) || (Number.isNaN(v) && Number.isNaN(e[i])) || (!exact.has(op) && Math.abs(v - e[i]) <= 1.2e-7 * Math.abs(e[i]));
        expect(ok, `${op}(${special[i]}) = ${v}, js ${e[i]}`).toBe(true);
      });
    });
  }

  it('affine, clip and its gradient mask agree bit for bit', () => {
    const values = [-1, -0.1, -0.10000000149011612, -0.09999999, 0, 0.1, 0.5, 3, NaN];
    const input = (): Tensor => tensor(values, undefined, { allowNonFinite: true });
    for (const [low, high] of [[-0.1, 0.1], [-1 / 3, 2 / 3], [0, 0]]) {
      const { actual, expected } = both(() => T.clip(input(), low, high));
      expect(identical(actual.values, expected.values)).toBe(true);
      const mask = both(() => T.engine.run('insideRange', [input()], { low, high }));
      expect(identical(mask.actual.values, mask.expected.values)).toBe(true);
    }
    const { actual, expected } = both(() => T.affine(input(), 0.1, -1 / 3));
    expect(identical(actual.values, expected.values)).toBe(true);
  });
});

describe.skipIf(skipReason !== undefined)(titled('broadcasting'), () => {
  const cases: [number[], number[]][] = [
    [[5, 7], [5, 7]], [[5, 7], [7]], [[5, 7], [1, 7]], [[5, 7], [5, 1]], [[5, 1], [5, 7]], [[7], [5, 7]], [[], [5, 7]], [[5, 7], []], [[], []],
    [[2, 3, 4], [4]], [[2, 3, 4], [3, 4]], [[2, 3, 4], [2, 3, 1]], [[2, 3, 4], [2, 1, 1]], [[2, 3, 4], [1, 3, 1]], [[4, 1, 3], [2, 3]],
    [[1, 1], [1]], [[2, 1, 3, 1], [1, 4, 1, 5]], [[0, 3], [3]], [[3, 1, 2, 1, 2], [2, 2, 1, 2]],
  ];
  for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const) {
    it(op, () => {
      for (const [as, bs] of cases) {
        const { actual, expected } = both(() => T[op](T.uniform(as, 0.5, 2, { seed: 1 }), T.uniform(bs, 0.5, 2, { seed: 2 })));
        // one libm / V8 ulp apart at most for pow; exact for the rest
        const ok = op === 'pow' ? close(actual, expected, 2e-7, 0).ok : identical(actual.values, expected.values);
        expect(ok, `${op} ${JSON.stringify(as)} ${JSON.stringify(bs)}`).toBe(true);
      }
    });
  }

  it('ties and NaN: maximum and minimum keep a, as js does', () => {
    const a = [1, NaN, 2, -0, 0];
    const b = [1, 3, NaN, 0, -0];
    for (const op of ['maximum', 'minimum'] as const) {
      const { actual, expected } = both(() => T[op](tensor(a, undefined, { allowNonFinite: true }), tensor(b, undefined, { allowNonFinite: true })));
      [...actual.values].forEach((v, i) => expect(Object.is(v, expected.values[i]), `${op} ${a[i]} ${b[i]}`).toBe(true));
    }
  });

  it('where and broadcastTo over mixed layouts', () => {
    const where = both(() => T.where(T.greater(T.uniform([3, 1, 4], -1, 1, { seed: 3 }), 0), T.uniform([2, 4], -1, 1, { seed: 4 }), T.uniform([3, 2, 1], -1, 1, { seed: 5 })));
    expect(identical(where.actual.values, where.expected.values)).toBe(true);
    for (const [from, to] of [[[3, 1], [2, 3, 4]], [[4], [3, 4]], [[], [2, 2]], [[1, 5, 1], [2, 5, 3]]]) {
      const { actual, expected } = both(() => T.broadcastTo(T.uniform(from, -1, 1, { seed: 6 }), to));
      expect(identical(actual.values, expected.values), JSON.stringify([from, to])).toBe(true);
    }
  });

  it('the raw kernels check the geometry they are given', () => {
    const { addon } = nativeBackend();
    const a = new Float32Array(6);
    const out = new Float32Array(6);
    expect(() => addon.binary(0, a, new Float32Array(2), out, Int32Array.from([1, 6, 1, 1]))).toThrow(/geometry reads index 5 of input 1, which has 2 values/);
    expect(() => addon.binary(0, a, a, out, Int32Array.from([1, 7, 1, 1]))).toThrow(/out is smaller/);
    expect(() => addon.binary(0, a, a, out, Int32Array.from([2, 6, 1, 1]))).toThrow(/geometry must be/);
    expect(() => addon.binary(99, a, a, out, Int32Array.from([1, 6, 1, 1]))).toThrow(/op must be a whole number in 0\.\.12/);
    expect(() => addon.stridedCopy(a, out, Int32Array.from([1, 6, -1]))).toThrow(/non-negative/);
  });
});

describe.skipIf(skipReason !== undefined)(titled('reductions, softmax and layout'), () => {
  const axesCases: [number[], number[], boolean][] = [
    [[2, 3, 4], [0, 1, 2], false], [[2, 3, 4], [1], false], [[2, 3, 4], [0, 2], true], [[2, 3, 4], [2], true], [[2, 3, 4], [0], false],
    [[64, 128], [0], false], [[5], [0], false], [[3, 0, 2], [1], false], [[4, 3], [], false], [[2, 3, 4, 5], [1, 3], false],
  ];
  for (const op of ['sum', 'prod', 'max', 'min'] as const) {
    it(`${op} over contiguous and scattered axes`, () => {
      for (const [shape, axes, keepDims] of axesCases) {
        if ((op === 'max' || op === 'min') && axes.some((axis) => shape[axis] === 0)) continue;
        const { actual, expected } = both(() => T[op](T.uniform(shape, 0.5, 1.5, { seed: 7 }), { axis: axes, keepDims }));
        expect(identical(actual.values, expected.values), `${op} ${JSON.stringify([shape, axes])}`).toBe(true);
      }
    });
  }

  it('max and min propagate NaN; argmax and argmin take the first of ties', () => {
    const x = (): Tensor => tensor([[1, NaN, 3], [2, 2, 1], [-0, 0, -1]], undefined, { allowNonFinite: true });
    for (const op of ['max', 'min'] as const) {
      const { actual, expected } = both(() => T[op](x(), { axis: 1 }));
      expect(identical(actual.values, expected.values)).toBe(true);
    }
    for (const op of ['argmax', 'argmin'] as const) {
      for (const axis of [0, 1]) {
        const { actual, expected } = both(() => T[op](tensor([[1, 3, 3], [3, 1, 1], [0, 3, 2]]), axis, axis === 0));
        expect([...actual.values], `${op} axis ${axis}`).toEqual([...expected.values]);
      }
    }
  });

  it('softmax and logSoftmax along every axis, extremes included', () => {
    for (const axis of [0, 1, 2]) {
      for (const op of ['softmax', 'logSoftmax'] as const) {
        const { actual, expected } = both(() => T[op](T.uniform([3, 4, 5], -30, 30, { seed: 8 }), axis));
        expect(identical(actual.values, expected.values), `${op} axis ${axis}`).toBe(true);
      }
    }
    const { actual, expected } = both(() => T.logSoftmax(tensor([[1000, 0, -1000], [0, 0, 0]])));
    expect(identical(actual.values, expected.values)).toBe(true);
  });

  it('transpose, slice, gather, its gradient, oneHot and casts', () => {
    const x = (): Tensor => T.uniform([2, 3, 4, 5], -1, 1, { seed: 9 });
    for (const perm of [[3, 2, 1, 0], [0, 2, 1, 3], [1, 0, 2, 3], [0, 1, 3, 2], [0, 1, 2, 3]]) {
      const { actual, expected } = both(() => T.transpose(x(), perm));
      expect(identical(actual.values, expected.values), JSON.stringify(perm)).toBe(true);
    }
    const sliced = both(() => T.slice(x(), [1, 1, 0, 2], [1, 2, -1, 3]));
    expect(identical(sliced.actual.values, sliced.expected.values)).toBe(true);
    const gathered = both(() => T.gather(x(), tensor([3, 0, 3, 1]), 2));
    expect(identical(gathered.actual.values, gathered.expected.values)).toBe(true);
    const grad = both(() => T.engine.run('gatherGrad', [T.uniform([2, 3, 4, 5], -1, 1, { seed: 10 }), tensor([3, 0, 3, 1])], { axis: 2, shape: [2, 3, 4, 5] }));
    expect(identical(grad.actual.values, grad.expected.values)).toBe(true);
    const hot = both(() => T.oneHot(tensor([[2, 0], [1, 4]]), 5));
    expect(identical(hot.actual.values, hot.expected.values)).toBe(true);
    const cast = on('native', () => T.cast(T.cast(x(), 'float64'), 'float32'));
    expect(identical(cast.values, on('js', x).values)).toBe(true);
  });

  it('im2col, col2im, pooling and their gradients, padded and strided', () => {
    const windows: [number[], number[], T.WindowOptions][] = [
      [[2, 5, 6, 3], [3, 3], { padding: 'same', strides: 2 }],
      [[1, 7, 5, 2], [2, 3], { padding: 'valid', strides: [1, 2] }],
      [[2, 4, 4, 1], [3, 3], { padding: 1 }],
    ];
    for (const [shape, [kh, kw], options] of windows) {
      const image = (): Tensor => T.uniform(shape, -1, 1, { seed: 12 });
      const filter = (): Tensor => T.uniform([kh, kw, shape[3], 4], -1, 1, { seed: 13 });
      const label = JSON.stringify([shape, kh, kw, options]);
      const conv = (): Tensor[] => {
        const x = image().requireGrad();
        const y = T.conv2d(x, filter(), options);
        T.sum(T.mul(y, T.uniform(y.shape, -1, 1, { seed: 14 }))).backward();
        return [y, x.grad as Tensor];
      };
      const [expectedY, expectedDx] = on('js', conv);
      const [actualY, actualDx] = on('native', conv);
      expect(close(actualY, expectedY).ok, `conv2d ${label}`).toBe(true); // sgemm's float32 accumulation
      expect(close(actualDx, expectedDx).ok, `conv2d gradient ${label}`).toBe(true);
      for (const pool of ['maxPool2d', 'avgPool2d'] as const) expectPoolingLikeJs(pool, image, [kh, kw], options, label);
      const g = T.windowGeometry('im2col', shape, [kh, kw], options, [1, 1]);
      const cols = both(() => T.im2col(image(), g));
      expect(identical(cols.actual.values, cols.expected.values), `im2col ${label}`).toBe(true);
      const back = both(() => T.engine.run('col2im', [T.uniform(cols.expected.shape, -1, 1, { seed: 16 })], { ...g, inputShape: shape }));
      expect(identical(back.actual.values, back.expected.values), `col2im ${label}`).toBe(true);
    }
  });

  it('pooling with ties, NaN and more channels than one block of scratch (256) matches js bit for bit', () => {
    // whole numbers 0..2: many ties, where the max gradient must go to the first maximal tap
    const tied = (shape: number[]): Tensor => T.floor(T.uniform(shape, 0, 3, { seed: 17 }));
    const withNaN = (): Tensor => {
      const values = tied([1, 4, 4, 3]).dataSync();
      values[5] = Number.NaN;
      return T.tensor(Array.from(values), [1, 4, 4, 3], { allowNonFinite: true });
    };
    for (const [name, input] of [['ties', () => tied([2, 6, 6, 300])], ['NaN', withNaN]] as const) {
      for (const pool of ['maxPool2d', 'avgPool2d'] as const) expectPoolingLikeJs(pool, input, [3, 3], { padding: 'same', strides: 2 }, name);
    }
  });

  it('indices out of range are errors in the raw kernels, not stray writes', () => {
    const { addon } = nativeBackend();
    expect(() => addon.oneHot(Float32Array.from([0, 5]), new Float32Array(10), 5)).toThrow(/index 5 at position 1 is not a whole number in 0\.\.4/);
    expect(() => addon.gather(new Float32Array(6), Float32Array.from([0.5]), new Float32Array(3), 1, 2, 3)).toThrow(/index 0.5/);
    expect(() => addon.gatherGrad(new Float32Array(3), Float32Array.from([-1]), new Float32Array(6), 1, 2, 3)).toThrow(/index -1/);
  });
});

import { describe, expect, it } from 'vitest';
import { avgPool2d, conv2d, logSoftmax, maxPool2d, Random, softmax, tensor, type Padding } from '../src/index.js';
import { distinctValues, expectClose, f32, randomValues, refConv2d, refPool, refReduce, size, type Shape } from './helpers.js';

/** softmax along `axis` by its definition, in float64. */
function refSoftmax(values: readonly number[], shape: Shape, axis: number, log: boolean): number[] {
  const sums = refReduce(values, shape, [axis], true, (xs) => xs.reduce((p, v) => p + Math.E ** v, 0));
  const keep = shape.map((d, i) => (i === axis ? 1 : d));
  return values.map((v, i) => {
    let rest = i;
    const coords = new Array<number>(shape.length);
    for (let a = shape.length - 1; a >= 0; a--) {
      coords[a] = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
    }
    const k = coords.reduce((p, c, a) => p * keep[a] + (a === axis ? 0 : c), 0);
    return log ? v - Math.log(sums.values[k]) : Math.E ** v / sums.values[k];
  });
}

describe('softmax / logSoftmax along any axis', () => {
  for (const shape of [[6], [3, 4], [2, 3, 4]]) {
    it(JSON.stringify(shape), () => {
      const random = new Random(shape.length);
      const values = f32(randomValues(random, size(shape), -3, 3));
      const x = tensor(values, shape);
      for (let axis = 0; axis < shape.length; axis++) {
        const s = softmax(x, axis);
        expectClose(s, { values: refSoftmax(values, shape, axis, false), shape }, { rtol: 2e-6, atol: 1e-7 });
        expectClose(softmax(x, axis - shape.length), { values: refSoftmax(values, shape, axis, false), shape }, { rtol: 2e-6, atol: 1e-7 });
        expectClose(logSoftmax(x, axis), { values: refSoftmax(values, shape, axis, true), shape }, { rtol: 2e-6, atol: 2e-6 });
        const x64 = tensor(values, shape, { dtype: 'float64' });
        expectClose(softmax(x64, axis), { values: refSoftmax(values, shape, axis, false), shape }, { rtol: 1e-13, atol: 1e-15 });
        expectClose(logSoftmax(x64, axis), { values: refSoftmax(values, shape, axis, true), shape }, { rtol: 1e-13, atol: 1e-14 });
        // rows sum to 1
        const sums = refReduce([...s.values], shape, [axis], false, (xs) => xs.reduce((p, v) => p + v, 0));
        for (const v of sums.values) expect(Math.abs(v - 1)).toBeLessThan(1e-6);
      }
      // default axis is the last
      expectClose(softmax(x), { values: refSoftmax(values, shape, shape.length - 1, false), shape }, { rtol: 2e-6, atol: 1e-7 });
    });
  }
});

describe('conv2d (NHWC, filter [kh, kw, in, out]) against a direct convolution', () => {
  const cases: { x: Shape; w: Shape; strides: [number, number]; padding: Padding }[] = [
    { x: [1, 5, 5, 1], w: [3, 3, 1, 1], strides: [1, 1], padding: 'valid' },
    { x: [2, 5, 6, 3], w: [3, 3, 3, 4], strides: [1, 1], padding: 'same' },
    { x: [2, 7, 6, 2], w: [3, 2, 2, 3], strides: [2, 2], padding: 'same' },
    { x: [1, 7, 7, 2], w: [3, 3, 2, 5], strides: [2, 3], padding: 'valid' },
    { x: [2, 6, 5, 3], w: [4, 4, 3, 2], strides: [2, 1], padding: 'same' },
    { x: [1, 4, 4, 2], w: [1, 1, 2, 3], strides: [1, 1], padding: 'valid' },
    { x: [1, 5, 4, 1], w: [2, 3, 1, 2], strides: [1, 2], padding: 1 },
    { x: [3, 8, 8, 1], w: [5, 5, 1, 2], strides: [3, 3], padding: 'same' },
  ];
  for (const c of cases) {
    it(`x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} strides ${JSON.stringify(c.strides)} ${String(c.padding)}`, () => {
      const random = new Random(size(c.x) + size(c.w));
      const x = f32(randomValues(random, size(c.x)));
      const w = f32(randomValues(random, size(c.w)));
      const expected = refConv2d(x, c.x, w, c.w, c.strides, c.padding);
      const out = conv2d(tensor(x, c.x), tensor(w, c.w), { strides: c.strides, padding: c.padding });
      expectClose(out, expected, { rtol: 1e-5, atol: 1e-5 });
      const out64 = conv2d(tensor(x, c.x, { dtype: 'float64' }), tensor(w, c.w, { dtype: 'float64' }), { strides: c.strides, padding: c.padding });
      expectClose(out64, expected, { rtol: 1e-13, atol: 1e-14 });
    });
  }

  it("'same' with stride 1 keeps height and width; a single number stride means both", () => {
    expect(conv2d(tensor(new Float32Array(2 * 9 * 7 * 3), [2, 9, 7, 3]), tensor(new Float32Array(5 * 5 * 3 * 4), [5, 5, 3, 4]), { padding: 'same' }).shape).toEqual([2, 9, 7, 4]);
    expect(conv2d(tensor(new Float32Array(9 * 7), [1, 9, 7, 1]), tensor(new Float32Array(9), [3, 3, 1, 1]), { strides: 2 }).shape).toEqual([1, 4, 3, 1]);
  });

  it('a nested-array filter takes the dtype of the input', () => {
    const y = conv2d(tensor([[[[1]]]], undefined, { dtype: 'float64' }), [[[[0.1]]]]);
    expect(y.dtype).toBe('float64');
    expect(y.values[0]).toBe(0.1);
  });

  it('a 1x1 identity filter copies the input', () => {
    const x = tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]);
    const w = tensor([[[[1, 0], [0, 1]]]]);
    expect(conv2d(x, w).toArray()).toEqual(x.toArray());
  });
});

describe('pooling against a reference', () => {
  const cases: { x: Shape; k: [number, number]; strides?: [number, number]; padding: Padding }[] = [
    { x: [1, 4, 4, 1], k: [2, 2], padding: 'valid' },
    { x: [2, 5, 5, 3], k: [2, 2], padding: 'same' },
    { x: [2, 5, 7, 2], k: [3, 3], strides: [2, 2], padding: 'valid' },
    { x: [1, 6, 5, 2], k: [3, 2], strides: [1, 2], padding: 'same' },
    { x: [1, 7, 7, 1], k: [3, 3], strides: [2, 2], padding: 'same' },
    { x: [1, 5, 5, 1], k: [2, 2], strides: [1, 1], padding: 1 },
  ];
  for (const c of cases) {
    it(`x ${JSON.stringify(c.x)} window ${JSON.stringify(c.k)} strides ${JSON.stringify(c.strides)} ${String(c.padding)}`, () => {
      const random = new Random(size(c.x));
      const x = f32(distinctValues(random, size(c.x)));
      const strides = c.strides ?? c.k;
      const options = { ...(c.strides === undefined ? {} : { strides: c.strides }), padding: c.padding };
      expectClose(maxPool2d(tensor(x, c.x), c.k, options), refPool(x, c.x, c.k, strides, c.padding, 'max'), { rtol: 0, atol: 0 });
      expectClose(avgPool2d(tensor(x, c.x), c.k, options), refPool(x, c.x, c.k, strides, c.padding, 'avg'), { rtol: 1e-6, atol: 1e-6 });
    });
  }

  it('defaults: stride = window size, valid padding', () => {
    const x = tensor([[[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]], [[13], [14], [15], [16]]]]);
    expect(maxPool2d(x, 2).toArray()).toEqual([[[[6], [8]], [[14], [16]]]]);
    expect(avgPool2d(x, 2).toArray()).toEqual([[[[3.5], [5.5]], [[11.5], [13.5]]]]);
    expect(maxPool2d(x, 3).shape).toEqual([1, 1, 1, 1]);
  });
});

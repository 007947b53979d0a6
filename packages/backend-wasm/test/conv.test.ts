import * as T from '@keel/tensor';
import { engine, setBackend, type Tensor } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { close, install, on } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));

const bits = (t: Tensor): number[] => [...t.values];

// odd sizes, channels around the f32x4 width, strides, 'same' padding on both sides
const geometries: { input: number[]; kernel: [number, number]; options: T.WindowOptions }[] = [
  { input: [2, 7, 6, 1], kernel: [3, 3], options: { padding: 'same' } },
  { input: [1, 5, 5, 2], kernel: [3, 3], options: { strides: 2, padding: 'same' } },
  { input: [2, 4, 5, 5], kernel: [2, 3], options: { strides: [1, 2] } },
  { input: [1, 9, 8, 8], kernel: [3, 2], options: { strides: [2, 1], padding: 1 } },
  { input: [3, 6, 6, 4], kernel: [1, 1], options: {} },
  { input: [1, 3, 3, 7], kernel: [5, 5], options: { padding: 'same' } },
];
const label = (g: (typeof geometries)[number]): string => `${JSON.stringify(g.input)} ${g.kernel.join('x')} ${JSON.stringify(g.options)}`;

describe('window kernels on wasm give the bits of js', () => {
  it('run on wasm', () => {
    setBackend('wasm');
    for (const op of ['im2col', 'col2im', 'maxPool', 'maxPoolGrad', 'avgPool', 'avgPoolGrad']) expect(engine.kernel(op).backend, op).toBe('wasm');
  });

  for (const g of geometries) {
    it(`im2col and col2im (through conv2d's gradient), ${label(g)}`, () => {
      const run = (): number[][] => {
        const x = T.normal(g.input, 0, 1, { seed: 1 }).requireGrad();
        const cols = T.im2col(x, T.windowGeometry('conv2d', x.shape, g.kernel, g.options, [1, 1]));
        T.sum(T.mul(cols, T.normal(cols.shape, 0, 1, { seed: 2 }))).backward();
        return [bits(cols), bits(x.grad as Tensor)];
      };
      expect(on('wasm', run)).toEqual(on('js', run));
    });

    it(`max and average pooling and their gradients, ${label(g)}`, () => {
      const run = (): number[][] => {
        const x = T.normal(g.input, 0, 1, { seed: 3 }).requireGrad();
        const pooled = [T.maxPool2d(x, g.kernel, g.options), T.avgPool2d(x, g.kernel, g.options)];
        T.sum(T.add(T.sum(T.mul(pooled[0], 1.5)), T.sum(T.square(pooled[1])))).backward();
        return [...pooled.map(bits), bits(x.grad as Tensor)];
      };
      expect(on('wasm', run)).toEqual(on('js', run));
    });
  }

  it('max pooling: NaN wins the forward pass, ties route the gradient to the first tap', () => {
    const run = (): number[][] => {
      const x = T.tensor([[[[1], [1]], [[NaN], [0]]], [[[2], [2]], [[2], [-1]]]], undefined, { allowNonFinite: true }).requireGrad();
      const y = T.maxPool2d(x, 2);
      T.sum(T.mul(y, T.tensor([[[[3]]], [[[5]]]]))).backward();
      return [bits(y), bits(x.grad as Tensor)];
    };
    const actual = on('wasm', run);
    expect(actual).toEqual(on('js', run));
    expect(Number.isNaN(actual[0][0])).toBe(true);
    expect(actual[1]).toEqual([3, 0, 0, 0, 5, 0, 0, 0]);
  });

  it('a small convnet (conv, relu, pool, dense) gets the gradients of js', () => {
    const run = (): number[][] => {
      const x = T.normal([4, 10, 10, 3], 0, 1, { seed: 4 });
      const w1 = T.mul(T.normal([3, 3, 3, 8], 0, 1, { seed: 5 }), 0.3).requireGrad();
      const w2 = T.mul(T.normal([3, 3, 8, 6], 0, 1, { seed: 6 }), 0.2).requireGrad();
      const h = T.maxPool2d(T.relu(T.conv2d(x, w1, { padding: 'same' })), 2);
      const y = T.avgPool2d(T.relu(T.conv2d(h, w2, { strides: 2, padding: 'same' })), 2, { padding: 'same' });
      T.sum(T.square(y)).backward();
      return [bits(y), bits(w1.grad as Tensor), bits(w2.grad as Tensor)];
    };
    const expected = on('js', run);
    const actual = on('wasm', run);
    // the matmuls accumulate in float32 on wasm, in float64 on js: close, not equal
    actual.forEach((values, i) => {
      const result = close(T.tensor(values), T.tensor(expected[i]), 1e-4, 1e-5);
      expect(result.ok, `output ${i}: max error ${result.error}`).toBe(true);
    });
  });
});

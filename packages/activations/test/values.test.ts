// Values at known points against closed forms, worked out by hand (or with Python's math module,
// as the comments show) — not with the code under test.
import { describe, expect, it } from 'vitest';
import { tensor } from '@keel/tensor';
import { activation, f64, label, list, specs } from './helpers.js';

function expectValues(actual: number[], expected: number[], digits = 12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(value, `element ${i}`).toBeCloseTo(expected[i], digits));
}

const at = (spec: Parameters<typeof activation>[0], xs: number[]): number[] => list(activation(spec).apply(f64(xs)));

describe('values at known points (float64)', () => {
  it('relu', () => expectValues(at('relu', [-2, 0, 3]), [0, 0, 3]));

  it('leakyRelu: default slope 0.01, and a configured one', () => {
    expectValues(at('leakyRelu', [-2, 0, 3]), [-0.02, 0, 3]);
    expectValues(at({ id: 'leakyRelu', alpha: 0.2 }, [-2, 3]), [-0.4, 3]);
  });

  it('elu: e⁻¹ − 1 = −0.6321205588285577 at −1, times alpha', () => {
    expectValues(at('elu', [-1, 0, 2]), [-0.6321205588285577, 0, 2]);
    expectValues(at({ id: 'elu', alpha: 2 }, [-1, 2]), [-1.2642411176571153, 2]);
    expect(at('elu', [-50])[0]).toBeCloseTo(-1, 12);
  });

  it('selu: λ at 1, λα(e⁻¹ − 1) = −1.1113307378125625 at −1', () => {
    expectValues(at('selu', [1, -1, 0]), [1.0507009873554805, -1.1113307378125625, 0]);
  });

  it("gelu: Φ(1) = 0.8413447460685429; the 'tanh' approximation gives 0.8411919906082768", () => {
    // @keel/tensor's erf is accurate to ~1.2e-7, so the exact form is checked to 1e-6.
    expectValues(at('gelu', [1, -1, 2, 0]), [0.8413447460685429, -0.15865525393145707, 1.9544997361036416, 0], 6);
    expectValues(at({ id: 'gelu', approximate: 'tanh' }, [1, -1, 0]), [0.8411919906082768, -0.15880800939172324, 0]);
  });

  it('swish and silu: x·σ(βx)', () => {
    expectValues(at('swish', [1, -1, 0]), [0.7310585786300049, -0.2689414213699951, 0]);
    expectValues(at('silu', [1, -1, 0]), [0.7310585786300049, -0.2689414213699951, 0]);
    expectValues(at({ id: 'swish', beta: 2 }, [1, -1]), [0.8807970779778823, -0.11920292202211755]);
  });

  it('mish: tanh(log(1 + e)) = 0.8650983882673103 at 1', () => {
    expectValues(at('mish', [1, -1, 0]), [0.8650983882673103, -0.30340146137410895, 0]);
  });

  it('softplus: ln 2 at 0', () => {
    expectValues(at('softplus', [0, 1, -2]), [0.6931471805599453, 1.3132616875182228, 0.1269280110429725]);
  });

  it('sigmoid, tanh', () => {
    expectValues(at('sigmoid', [0, 2, -2]), [0.5, 0.8807970779778823, 1 - 0.8807970779778823]);
    expectValues(at('tanh', [0, 0.5, -0.5]), [0, 0.46211715726000974, -0.46211715726000974]);
  });

  it('hardSigmoid: x/6 + 1/2 between its corners at ±3', () => {
    expectValues(at('hardSigmoid', [-4, -3, 0, 1, 3, 4]), [0, 0, 0.5, 1 / 6 + 0.5, 1, 1]);
  });

  it('softsign: x/(1 + |x|)', () => {
    expectValues(at('softsign', [3, -1, 0]), [0.75, -0.5, 0]);
  });

  it('softmax and logSoftmax along the last axis', () => {
    const e = [Math.E, Math.E ** 2, Math.E ** 3];
    const total = e[0] + e[1] + e[2];
    const x = f64([1, 2, 3, 1, 2, 3], [2, 3]);
    const probabilities = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
    expectValues(list(activation('softmax').apply(x)), [...probabilities, ...probabilities]);
    expectValues(
      list(activation('logSoftmax').apply(x)),
      [1, 2, 3, 1, 2, 3].map((v) => v - Math.log(total)),
    );
    expectValues(list(activation('logSoftmax').apply(f64([1, 2, 3]))), [-2.40760596444438, -1.4076059644443801, -0.4076059644443803]);
  });

  it('linear is the identity', () => {
    expectValues(at('linear', [-3, 0, 2.5]), [-3, 0, 2.5]);
  });

  it('keeps the dtype and shape of its input', () => {
    for (const spec of specs) {
      for (const dtype of ['float32', 'float64'] as const) {
        const y = activation(spec).apply(tensor([[1, -2], [3, -4]], undefined, { dtype }));
        expect(y.shape, label(spec)).toEqual([2, 2]);
        expect(y.dtype, label(spec)).toBe(dtype);
      }
    }
  });
});

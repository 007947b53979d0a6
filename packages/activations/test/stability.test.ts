// Extreme inputs: outputs and gradients stay finite (no exp overflow, no 0·∞ in a backward).
import { sum, tensor, type DType } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { activation, label, list, specs } from './helpers.js';

const STRESS = [1e2, -1e2, 1e4, -1e4, 1e-30, -1e-30, 0];

function run(spec: Parameters<typeof activation>[0], dtype: DType, shape: number[] = [1, STRESS.length]) {
  const x = tensor(STRESS, shape, { dtype }).requireGrad();
  const y = activation(spec).apply(x);
  sum(y).backward();
  return { y: list(y), dx: list(x.grad!) };
}

describe.each(['float32', 'float64'] as const)('stress inputs ±1e2, ±1e4, ±1e-30, 0 (%s)', (dtype) => {
  it.each(specs.map((spec) => [label(spec), spec] as const))('%s: finite outputs and gradients', (_name, spec) => {
    const { y, dx } = run(spec, dtype);
    y.forEach((value, i) => expect(Number.isFinite(value), `f(${STRESS[i]}) = ${value}`).toBe(true));
    dx.forEach((value, i) => expect(Number.isFinite(value), `f'(${STRESS[i]}) = ${value}`).toBe(true));
  });

  it.each(specs.filter((spec) => !activation(spec).rowwise).map((spec) => [label(spec), spec] as const))(
    '%s: outputs stay inside the declared range',
    (_name, spec) => {
      const { outputRange } = activation(spec);
      for (const value of run(spec, dtype).y) {
        expect(value).toBeGreaterThanOrEqual(outputRange[0]);
        expect(value).toBeLessThanOrEqual(outputRange[1]);
      }
    },
  );
});

describe('NaN is never hidden', () => {
  it.each(specs.map((spec) => [label(spec), spec] as const))('%s maps NaN to NaN', (_name, spec) => {
    const x = tensor([[Number.NaN, 1, -1]], undefined, { allowNonFinite: true });
    const y = list(activation(spec).apply(x));
    expect(y[0]).toBeNaN();
    if (activation(spec).rowwise !== true) expect(y.slice(1).every(Number.isFinite)).toBe(true);
  });
});

describe('limits at the extremes', () => {
  // [1e2, -1e2, 1e4, -1e4, 1e-30, -1e-30, 0]
  it('sigmoid saturates to exactly 1 and 0 without overflow, with zero gradient', () => {
    const { y, dx } = run('sigmoid', 'float64');
    expect(y[2]).toBe(1);
    expect(y[3]).toBe(0);
    expect(y[6]).toBe(0.5);
    expect(dx[2]).toBe(0);
    expect(dx[3]).toBe(0);
    expect(dx[6]).toBe(0.25);
  });

  it('softplus is x for large x and 0 for very negative x; its slope is σ(x)', () => {
    const { y, dx } = run('softplus', 'float64');
    expect(y[2]).toBe(1e4);
    expect(y[3]).toBe(0);
    expect(y[0]).toBeCloseTo(100, 12);
    expect(dx[2]).toBe(1);
    expect(dx[3]).toBe(0);
    expect(y[6]).toBeCloseTo(Math.LN2, 15);
  });

  it('gelu (both forms) is x far right, 0 far left, slope ½ at 0', () => {
    for (const spec of ['gelu', { id: 'gelu', approximate: 'tanh' }] as const) {
      const { y, dx } = run(spec, 'float64');
      expect(y[2]).toBe(1e4);
      expect(y[3]).toBeCloseTo(0, 300);
      expect(dx[2]).toBe(1);
      expect(dx[3]).toBeCloseTo(0, 300);
      expect(dx[6]).toBeCloseTo(0.5, 6);
    }
  });

  it('mish and swish are x far right and 0 far left', () => {
    for (const spec of ['mish', 'swish', 'silu'] as const) {
      const { y, dx } = run(spec, 'float64');
      expect(y[2]).toBe(1e4);
      expect(Math.abs(y[3])).toBe(0);
      expect(dx[2]).toBe(1);
      expect(Math.abs(dx[3])).toBe(0);
    }
  });

  it('selu and elu tend to −λα and −α on the left, and their slopes to 0', () => {
    const selu = run('selu', 'float64');
    expect(selu.y[3]).toBeCloseTo(-1.0507009873554805 * 1.6732632423543772, 12);
    expect(selu.dx[3]).toBe(0);
    expect(selu.dx[2]).toBeCloseTo(1.0507009873554805, 15);
    const elu = run('elu', 'float64');
    expect(elu.y[3]).toBe(-1);
    expect(elu.dx[3]).toBe(0);
  });

  it('softmax of a row with ±1e4 is one-hot, logSoftmax stays finite', () => {
    const row = tensor([[1e4, -1e4, 0]], undefined, { dtype: 'float64' });
    expect(list(activation('softmax').apply(row))).toEqual([1, 0, 0]);
    expect(list(activation('logSoftmax').apply(row))).toEqual([0, -2e4, -1e4]);
  });
});

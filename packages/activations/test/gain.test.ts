// Declared gains against a Monte-Carlo estimate of √(1/E[f(x)²]), x ~ N(0, 1), 200k seeded samples.
import { mean, noGrad, normal, square } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { VARIANCE_GAINS, varianceGain } from '../src/index.js';
import { activation, label, specs } from './helpers.js';

const samples = normal([200_000], 0, 1, { seed: 2024, dtype: 'float64' });

function measured(spec: Parameters<typeof activation>[0]): number {
  const act = activation(spec);
  return Math.sqrt(1 / noGrad(() => mean(square(act.apply(samples)))).item());
}

const relativeGap = (a: number, b: number): number => Math.abs(a / b - 1);

describe('declared gain vs Monte-Carlo √(1/E[f(x)²])', () => {
  const checked = specs.filter((spec) => activation(spec).rowwise !== true && activation(spec).gainIsConvention !== true);

  it.each(checked.map((spec) => [label(spec), spec] as const))('%s: within 5%', (_name, spec) => {
    const { gain } = activation(spec);
    expect(relativeGap(gain, measured(spec))).toBeLessThan(0.05);
  });

  it('PyTorch values where PyTorch defines one', () => {
    expect(activation('relu').gain).toBe(Math.SQRT2);
    expect(activation('leakyRelu').gain).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(activation({ id: 'leakyRelu', alpha: 0.2 }).gain).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(activation('tanh').gain).toBe(5 / 3);
    expect(activation('selu').gain).toBe(3 / 4);
    expect(activation('sigmoid').gain).toBe(1);
    expect(activation('linear').gain).toBe(1);
  });

  // PyTorch's tanh gain 5/3 is a convention (it is not √(1/E[tanh(x)²]) = 1.5925 but 4.7% above);
  // it is kept for compatibility, and checked against the measurement with a 6% tolerance.
  it('tanh: 5/3 is within 6% of the measured 1.5925, which matches the documented value within 1%', () => {
    const value = measured('tanh');
    expect(relativeGap(5 / 3, value)).toBeLessThan(0.06);
    expect(relativeGap(VARIANCE_GAINS.tanh, value)).toBeLessThan(0.01);
    expect(activation('tanh').gainIsConvention).toBe(true);
  });

  // sigmoid (1) and selu (3/4) keep PyTorch's conventional gains, far from the variance-preserving
  // values 1.846 and 1.000: they are marked gainIsConvention and the documented value is checked.
  it('sigmoid and selu: conventions, with the documented variance-preserving values measured', () => {
    for (const id of ['sigmoid', 'selu'] as const) {
      expect(activation(id).gainIsConvention).toBe(true);
      expect(relativeGap(VARIANCE_GAINS[id], measured(id))).toBeLessThan(0.01);
    }
  });

  it('the quadrature used for configured activations reproduces the offline constants', () => {
    expect(varianceGain((x) => Math.max(x, 0))).toBeCloseTo(Math.SQRT2, 8);
    expect(varianceGain((x) => (x > 0 ? x : Math.expm1(x)))).toBeCloseTo(VARIANCE_GAINS.elu, 8);
    expect(varianceGain((x) => x / (1 + Math.exp(-x)))).toBeCloseTo(VARIANCE_GAINS.swish, 8);
    expect(varianceGain(Math.tanh)).toBeCloseTo(VARIANCE_GAINS.tanh, 8);
  });

  it('configured gains follow their configuration', () => {
    expect(activation({ id: 'elu', alpha: 0.5 }).gain).not.toBeCloseTo(VARIANCE_GAINS.elu, 2);
    expect(relativeGap(activation({ id: 'swish', beta: 2 }).gain, measured({ id: 'swish', beta: 2 }))).toBeLessThan(0.01);
    expect(activation({ id: 'gelu', approximate: 'tanh' }).gain).toBe(VARIANCE_GAINS.geluTanh);
  });
});


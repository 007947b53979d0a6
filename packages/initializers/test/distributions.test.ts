// Empirical mean / std / limits against the formulas, on weight-sized tensors.
import type { Random } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { TRUNCATED_NORMAL_STD, type InitializerSpec } from '../src/index.js';
import { init, stats } from './helpers.js';

const DENSE = [784, 128];
const FAN_IN = 784;
const FAN_OUT = 128;

/** |a/b − 1| */
const gap = (a: number, b: number): number => Math.abs(a / b - 1);

describe('variance-scaling presets on a [784, 128] kernel', () => {
  it('heNormal: std √(2/fanIn) within 3%, truncated at 2σ of the underlying normal', () => {
    const s = stats(init('heNormal', DENSE));
    const std = Math.sqrt(2 / FAN_IN);
    expect(gap(s.std, std)).toBeLessThan(0.03);
    expect(Math.abs(s.mean)).toBeLessThan(0.02 * std);
    const bound = (2 * std) / TRUNCATED_NORMAL_STD;
    expect(s.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(s.min).toBeGreaterThanOrEqual(-bound * (1 + 1e-6));
    expect(s.max).toBeGreaterThan(0.98 * bound);
  });

  it('glorotUniform: limit √(6/(fanIn + fanOut)), std limit/√3', () => {
    const s = stats(init('glorotUniform', DENSE));
    const limit = Math.sqrt(6 / (FAN_IN + FAN_OUT));
    expect(s.max).toBeLessThan(limit);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeGreaterThan(0.999 * limit);
    expect(s.min).toBeLessThan(-0.999 * limit);
    expect(gap(s.std, limit / Math.sqrt(3))).toBeLessThan(0.03);
  });

  it('glorotNormal: std √(2/(fanIn + fanOut))', () => {
    expect(gap(stats(init('glorotNormal', DENSE)).std, Math.sqrt(2 / (FAN_IN + FAN_OUT)))).toBeLessThan(0.03);
  });

  it('heUniform: limit √(6/fanIn)', () => {
    const s = stats(init('heUniform', DENSE));
    const limit = Math.sqrt(6 / FAN_IN);
    expect(s.max).toBeLessThan(limit);
    expect(s.max).toBeGreaterThan(0.999 * limit);
    expect(gap(s.std, limit / Math.sqrt(3))).toBeLessThan(0.03);
  });

  it('lecunUniform: limit √(3/fanIn); lecunNormal: std √(1/fanIn)', () => {
    const u = stats(init('lecunUniform', DENSE));
    const limit = Math.sqrt(3 / FAN_IN);
    expect(u.max).toBeLessThan(limit);
    expect(u.max).toBeGreaterThan(0.999 * limit);
    expect(gap(stats(init('lecunNormal', DENSE)).std, Math.sqrt(1 / FAN_IN))).toBeLessThan(0.03);
  });

  it('a conv kernel [3, 3, 32, 64] uses the receptive field: fanIn 288', () => {
    expect(gap(stats(init('heNormal', [3, 3, 32, 64])).std, Math.sqrt(2 / 288))).toBeLessThan(0.03);
  });

  it('uses the fans of the context, not of the shape', () => {
    const s = stats(init('heNormal', DENSE, 1, { fanIn: 50, fanOut: 50 }));
    expect(gap(s.std, Math.sqrt(2 / 50))).toBeLessThan(0.03);
  });

  it('divides by max(1, fan), as Keras does', () => {
    expect(gap(stats(init('heNormal', [100, 100], 1, { fanIn: 0.25 })).std, Math.SQRT2)).toBeLessThan(0.03);
  });
});

describe('varianceScaling', () => {
  it.each([
    ['fanIn', FAN_IN],
    ['fanOut', FAN_OUT],
    ['fanAvg', (FAN_IN + FAN_OUT) / 2],
  ] as const)('mode %s divides by %d', (mode, fan) => {
    for (const distribution of ['truncatedNormal', 'untruncatedNormal'] as const) {
      const s = stats(init({ id: 'varianceScaling', scale: 3, mode, distribution }, DENSE));
      expect(gap(s.std, Math.sqrt(3 / fan)), distribution).toBeLessThan(0.03);
    }
    const u = stats(init({ id: 'varianceScaling', scale: 3, mode, distribution: 'uniform' }, DENSE));
    expect(u.max).toBeLessThan(Math.sqrt(9 / fan));
    expect(u.max).toBeGreaterThan(0.999 * Math.sqrt(9 / fan));
  });

  it('untruncated normals reach beyond 2σ, truncated ones never do', () => {
    const std = Math.sqrt(1 / FAN_IN);
    expect(stats(init({ id: 'varianceScaling', distribution: 'untruncatedNormal' }, DENSE)).max).toBeGreaterThan(3.5 * std);
    expect(stats(init({ id: 'varianceScaling' }, DENSE)).max).toBeLessThanOrEqual(((2 * std) / TRUNCATED_NORMAL_STD) * (1 + 1e-6));
  });

  it('the presets are varianceScaling with Keras’s arguments', () => {
    const presets = [
      ['glorotUniform', { scale: 1, mode: 'fanAvg', distribution: 'uniform' }],
      ['glorotNormal', { scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' }],
      ['heUniform', { scale: 2, mode: 'fanIn', distribution: 'uniform' }],
      ['heNormal', { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' }],
      ['lecunUniform', { scale: 1, mode: 'fanIn', distribution: 'uniform' }],
      ['lecunNormal', { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' }],
    ] as const;
    for (const [id, config] of presets) {
      expect(Array.from(init(id, [20, 30], 5).values), id).toEqual(Array.from(init({ id: 'varianceScaling', ...config }, [20, 30], 5).values));
    }
  });
});

describe('plain distributions', () => {
  it('uniform: in [minval, maxval), mean and std of the formula', () => {
    const s = stats(init({ id: 'uniform', minval: -1, maxval: 3 }, [200, 500]));
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(3);
    expect(s.mean).toBeCloseTo(1, 1);
    expect(gap(s.std, 4 / Math.sqrt(12))).toBeLessThan(0.03);
    const d = stats(init('uniform', [100, 100]));
    expect(d.min).toBeGreaterThanOrEqual(-0.05);
    expect(d.max).toBeLessThan(0.05);
  });

  it('uniform stays half-open after rounding to float32 (0.1 rounds up to 0.10000000149)', () => {
    let k = 0;
    // A generator whose draws sit on the edges: just below high, then exactly low.
    const fake = { uniform: (low: number, high: number) => (k++ % 2 === 0 ? high - 1e-12 : low), normal: () => 0 } as unknown as Random;
    const specs: readonly InitializerSpec[] = [{ id: 'uniform', minval: -0.1, maxval: 0.1 }, { id: 'varianceScaling', scale: 1 / 300, distribution: 'uniform' }];
    for (const spec of specs) {
      const values = Array.from(init(spec, [10, 10], 1, { random: fake, fanIn: 1 }).values);
      expect(Math.max(...values)).toBe(0.09999999403953552); // the largest float32 below 0.1
      expect(Math.min(...values)).toBe(-0.09999999403953552); // -0.1 rounds to -0.10000000149, below -0.1
    }
    k = 0;
    const wide = Array.from(init({ id: 'uniform', minval: -0.1, maxval: 0.1 }, [4], 1, { random: fake, dtype: 'float64' }).values);
    expect(Math.max(...wide)).toBe(0.1 - 1e-12);
  });

  it('normal: mean and stddev (defaults 0 and 0.05)', () => {
    const s = stats(init({ id: 'normal', mean: 2, stddev: 0.5 }, [200, 500]));
    expect(s.mean).toBeCloseTo(2, 2);
    expect(gap(s.std, 0.5)).toBeLessThan(0.03);
    expect(gap(stats(init('normal', [200, 500])).std, 0.05)).toBeLessThan(0.03);
  });

  it('truncatedNormal: redrawn beyond 2·stddev, so its std is 0.8796·stddev', () => {
    const s = stats(init({ id: 'truncatedNormal', mean: 1, stddev: 0.5 }, [200, 500]));
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThanOrEqual(2);
    expect(s.max).toBeGreaterThan(1.99);
    expect(s.mean).toBeCloseTo(1, 2);
    expect(gap(s.std, 0.5 * TRUNCATED_NORMAL_STD)).toBeLessThan(0.03);
  });

  it('the truncation constant is the std of a unit normal truncated to [-2, 2]', () => {
    // Var = 1 − 2·2·φ(2)/(Φ(2) − Φ(−2)), with φ(2) = e⁻²/√(2π) and Φ(2) − Φ(−2) = erf(√2) = 0.9544997361036416
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    expect(Math.sqrt(1 - (4 * phi2) / 0.9544997361036416)).toBeCloseTo(TRUNCATED_NORMAL_STD, 12);
  });

  it('zeros, ones, constant', () => {
    expect(Array.from(init('zeros', [2, 3]).values)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(init('ones', [4]).values)).toEqual([1, 1, 1, 1]);
    expect(Array.from(init({ id: 'constant', value: 0.25 }, [2, 2]).values)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(init('constant', [2]).values)).toEqual([0, 0]);
  });
});

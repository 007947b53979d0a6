import { describe, expect, it } from 'vitest';
import { erf, relu, step, tensor } from '../src/index.js';

describe('erf', () => {
  it('matches reference values to 1e-13 in float64 (series below 3, continued fraction above)', () => {
    // Reference values of erf from the standard tables (Abramowitz & Stegun, extended precision).
    const xs = [0, 0.1, 0.5, 1, 2, 2.9, 3, 3.5, 5, -1, 7];
    const expected = [0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999589021219005, 0.9999779095030014, 0.9999992569016276, 0.9999999999984626, -0.8427007929497149, 1];
    const y = erf(tensor(xs, undefined, { dtype: 'float64' })).values;
    xs.forEach((x, i) => expect(Math.abs(y[i] - expected[i]), `erf(${x})`).toBeLessThan(1e-13));
  });
});

describe('NaN is never hidden', () => {
  it('relu and step keep NaN instead of turning it into 0', () => {
    expect(relu(tensor([NaN, -1, 2], undefined, { allowNonFinite: true })).toArray()).toEqual([NaN, 0, 2]);
    expect(step(tensor([NaN, -1, 2], undefined, { allowNonFinite: true })).toArray()).toEqual([NaN, 0, 1]);
  });
});

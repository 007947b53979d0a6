// The page's pure pieces, in Node: the playground's URL round trip, and the charts' tick marks.
import { describe, expect, it } from 'vitest';
import { configQuery, DEFAULT_CONFIG, parseConfig, sameTraining } from '../src/xor/config.js';
import { logTicks, niceTicks } from '../src/shared/charts/scale.js';

describe('playground set-up in the URL', () => {
  it('round-trips every setting, readable (commas and colons are not escaped)', () => {
    const config = { ...DEFAULT_CONFIG, data: 'spirals', noise: 0.2, layers: [{ units: 6, activation: 'relu' }, { units: 3, activation: 'tanh' }], init: 'heNormal', loss: 'meanSquaredError', optimizer: 'momentum', lr: 0.005, batchSize: 10, seed: 42, backend: 'js', speed: 'slow' } as const;
    const query = configQuery(config);
    expect(query).toContain('layers=6:relu,3:tanh');
    expect(parseConfig(query)).toEqual({ config, problems: [] });
  });

  it('replaces what it cannot read by the default and says what it was', () => {
    const { config, problems } = parseConfig('?data=mnist&lr=-1&layers=8:tanh,99:relu,4:nope&batch=2.5');
    expect(config.data).toBe(DEFAULT_CONFIG.data);
    expect(config.lr).toBe(DEFAULT_CONFIG.lr);
    expect(config.batchSize).toBe(DEFAULT_CONFIG.batchSize);
    expect(config.layers).toEqual([{ units: 8, activation: 'tanh' }]);
    expect(problems).toEqual([
      'data=mnist (expected one of xor, moons, circles, spirals)',
      "layers: '99:relu' (expected units 1–16 and an activation, like 8:tanh)",
      "layers: '4:nope' (expected units 1–16 and an activation, like 8:tanh)",
      'lr=-1',
      'batch=2.5',
    ]);
    expect(parseConfig('?layers=none').config.layers).toEqual([]);
  });

  it('treats a change of speed alone as the same training', () => {
    expect(sameTraining(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, speed: 'fast' })).toBe(true);
    expect(sameTraining(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, lr: 0.1 })).toBe(false);
  });
});

describe('chart ticks', () => {
  it('puts round numbers on linear axes', () => {
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 320, 5)).toEqual([0, 100, 200, 300]);
    expect(niceTicks(-0.05, 0.05, 3)).toEqual([-0.05, 0, 0.05]);
  });

  it('puts powers of ten on log axes, with 2× and 5× when the range is short', () => {
    expect(logTicks(1e-3, 10)).toEqual([1e-3, 0.01, 0.1, 1, 10]);
    expect(logTicks(1e-6, 10)).toEqual([1e-6, 1e-4, 0.01, 1]); // eight decades: every other one
    expect(logTicks(0.15, 1.1)).toEqual([0.2, 0.5, 1]);
    expect(logTicks(1e-5, 1e17).length).toBeLessThanOrEqual(8);
  });
});

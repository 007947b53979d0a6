// Every activation's gradient (its own backward, or autograd through its forward) against
// central differences in float64, at seeded random points kept away from its kinks.
import { gradcheck, normal, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/index.js';
import { activation, label, specs } from './helpers.js';

function awayFromKinks(act: Activation, shape: number[], seed: number, std = 2): Tensor {
  const values = normal(shape, 0, std, { seed, dtype: 'float64' }).dataSync();
  for (let i = 0; i < values.length; i++) {
    for (const kink of act.kinks) if (Math.abs(values[i] - kink) < 0.05) values[i] = kink + 0.1;
  }
  return tensor(values, shape, { dtype: 'float64' });
}

describe('gradcheck (float64) at random points away from kinks', () => {
  it.each(specs.map((spec) => [label(spec), spec] as const))('%s', (_name, spec) => {
    const act = activation(spec);
    for (const [seed, std] of [[1, 1], [2, 3], [3, 8]] as const) {
      const x = awayFromKinks(act, [4, 6], seed, std);
      const result = gradcheck((input) => act.apply(input), [x], { atol: 1e-6, rtol: 1e-4 });
      expect(result.ok, result.message).toBe(true);
    }
  });

  it('hardSigmoid is checked on both sides of its corners too', () => {
    const act = activation('hardSigmoid');
    const x = tensor([-5, -3.2, -2.8, -1, 0.5, 2.8, 3.2, 5], [8], { dtype: 'float64' });
    const result = gradcheck((input) => act.apply(input), [x], { atol: 1e-8, rtol: 1e-6 });
    expect(result.ok, result.message).toBe(true);
  });
});

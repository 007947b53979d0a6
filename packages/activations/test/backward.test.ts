// Entries with a hand-written backward on { x, y, dy } agree with autograd through their forward.
import { enableGrad, grad, normal, sum, mul, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { builtinActivations, type ActivationConfig } from '../src/index.js';
import { activation, list } from './helpers.js';

const configs: Record<string, ActivationConfig[]> = {
  leakyRelu: [{ alpha: 0.01 }, { alpha: 0.3 }],
  elu: [{ alpha: 1 }, { alpha: 0.4 }],
  gelu: [{ approximate: 'none' }, { approximate: 'tanh' }],
  swish: [{ beta: 1 }, { beta: 1.7 }],
};

const withBackward = builtinActivations.filter((entry) => entry.backward !== undefined);

describe('hand-written backward vs autograd through forward', () => {
  it('covers the entries that have a closed-form backward', () => {
    expect(withBackward.map((entry) => entry.id).sort()).toEqual(
      ['elu', 'gelu', 'leakyRelu', 'mish', 'relu', 'selu', 'sigmoid', 'silu', 'softplus', 'softsign', 'swish', 'tanh'].sort(),
    );
  });

  const cases = withBackward.flatMap((entry) => (configs[entry.id] ?? [{}]).map((config) => [`${entry.id} ${JSON.stringify(config)}`, entry, config] as const));

  it.each(cases)('%s', (_name, entry, config) => {
    const full = { ...entry.defaults, ...config };
    for (const seed of [11, 12]) {
      const x = normal([5, 8], 0, 3, { seed, dtype: 'float64' });
      const dy = normal([5, 8], 0, 1, { seed: seed + 100, dtype: 'float64' });
      const objective = (apply: (t: Tensor) => Tensor) => (input: Tensor) => sum(mul(apply(input), dy));
      const [viaBackward] = grad(objective((t) => activation({ id: entry.id, ...config }).apply(t)))(x);
      const [viaAutograd] = enableGrad(() => grad(objective((t) => entry.forward(t, full)))(x));
      const a = list(viaBackward);
      const b = list(viaAutograd);
      // exact gelu's autograd differentiates through @keel/tensor's erf, whose own gradient is exact
      const tolerance = 1e-12;
      a.forEach((value, i) => expect(Math.abs(value - b[i]), `element ${i}: ${value} vs ${b[i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(b[i]))));
    }
  });

  it('the backward sees the output y: sigmoid and tanh use y, not x', () => {
    const sigmoid = builtinActivations.find((entry) => entry.id === 'sigmoid')!;
    const x = normal([3], 0, 1, { seed: 1, dtype: 'float64' });
    const y = normal([3], 0.5, 0.1, { seed: 2, dtype: 'float64' });
    const dy = normal([3], 0, 1, { seed: 3, dtype: 'float64' });
    const dx = list(sigmoid.backward!({ x, y, dy }, {}));
    const [yv, dyv] = [list(y), list(dy)];
    dx.forEach((value, i) => expect(value).toBeCloseTo(dyv[i] * yv[i] * (1 - yv[i]), 14));
  });
});

// The README's examples, run as written.
import { Registry, UnknownIdError, declareOption, definePlugin, optionField } from '@keel/registry';
import { affine, mul, sigmoid, sum, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { ActivationConfigError, createActivation, installActivations, type ActivationEntry } from '../src/index.js';

declare module '@keel/registry' {
  interface RegisteredIds {
    'activation:acme/scaledSigmoid': true;
  }
}

describe('README', () => {
  it('quick start', () => {
    const registry = installActivations(new Registry());
    const act = createActivation(registry, { id: 'leakyRelu', alpha: 0.2 });
    const x = tensor([[-2, 0.5, 3]]).requireGrad();
    const y = act.apply(x);
    sum(y).backward();
    expect(Array.from(y.values)).toEqual([Math.fround(-0.4), 0.5, 3]);
    expect(Array.from(x.grad!.values)).toEqual([Math.fround(0.2), 1, 1]);
    expect(act.gain).toBe(1.3867504905630728);
    expect(act.recommendedInitializer).toBe('heNormal');
    expect(act.config).toEqual({ alpha: 0.2 });
    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    expect(() => createActivation(registry, 'rleu')).toThrow(UnknownIdError);
    expect(() => createActivation(registry, { id: 'leakyRelu', slope: 0.2 })).toThrow(
      new ActivationConfigError('leakyRelu', 'slope', "activation 'leakyRelu' has no option 'slope'; valid options: alpha"),
    );
  });

  it('writing your own activation', () => {
    const scaledSigmoid: ActivationEntry = {
      id: 'acme/scaledSigmoid',
      description: 'k·σ(x), in (0, k)',
      options: { k: declareOption(optionField.number((v) => v > 0, '> 0'), 'the upper bound of the output', 2) },
      forward: (x: Tensor, config) => mul(sigmoid(x), config.k as number),
      backward: ({ y, dy }, config) => mul(dy, mul(y, affine(y, -1 / (config.k as number), 1))),
      meta: (config) => ({
        gain: 1,
        gainIsConvention: true,
        recommendedInitializer: 'glorotUniform',
        outputRange: [0, config.k as number],
        saturation: { below: -6, above: 6 },
        kinks: [],
      }),
    };
    const acmeActivations = definePlugin({ name: '@acme/keel-activations', version: '1.0.0', provides: { activation: [scaledSigmoid] } });
    const registry = installActivations(new Registry());
    registry.use(acmeActivations);
    registry.get('activation', 'acme/scaledSigmoid');
    const act = createActivation(registry, { id: 'acme/scaledSigmoid', k: 3 });
    expect(act.outputRange).toEqual([0, 3]);
    const x = tensor([0.5, -1], undefined, { dtype: 'float64' }).requireGrad();
    sum(act.apply(x)).backward();
    const s = (v: number): number => 1 / (1 + Math.exp(-v));
    Array.from(x.grad!.values).forEach((g, i) => expect(g).toBeCloseTo(3 * s([0.5, -1][i]) * (1 - s([0.5, -1][i])), 12));
    expect(() => createActivation(registry, { id: 'acme/scaledSigmoid', k: -1 })).toThrow("activation 'acme/scaledSigmoid': k is -1; expected a number > 0");
    expect(() => createActivation(registry, { id: 'acme/scaledSigmoid', kk: 3 })).toThrow("activation 'acme/scaledSigmoid' has no option 'kk'; did you mean 'k'? valid options: k");
    expect(createActivation(registry, 'acme/scaledSigmoid').config).toEqual({ k: 2 });
  });
});

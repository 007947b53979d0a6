// The testkit must fail the classic from-scratch bugs with a message that says what is wrong.
import type { ActivationEntry } from '@keel/activations';
import { Dense, Layer, type BuildContext, type LayerConfig } from '@keel/layers';
import { definePlugin } from '@keel/registry';
import { add, defineOp, exp, matmul, mul, neg, reciprocal, sigmoid, sub, sum, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { checkActivation, checkLayer, checkLoss, formatReport } from '../src/index.js';

const meta = { gain: 1, recommendedInitializer: 'glorotUniform', outputRange: [0, 1] as const, saturation: { below: -6, above: 6 }, kinks: [] };

function pluginWith(entry: ActivationEntry) {
  return definePlugin({ name: '@acme/keel-test', version: '1.0.0', provides: { activation: [entry] } });
}

describe('checkActivation', () => {
  it('fails a sigmoid whose derivative is applied to x instead of the output y (seed 001)', () => {
    const broken: ActivationEntry = {
      id: 'acme/badSigmoid',
      description: 'sigmoid with σ′ computed from x',
      forward: (x) => sigmoid(x),
      backward: ({ x, dy }) => mul(dy, mul(x, sub(1, x))), // the bug: x(1 − x) instead of y(1 − y)
      meta: { ...meta, gainIsConvention: true },
    };
    const report = checkActivation('acme/badSigmoid', { plugin: pluginWith(broken) });
    expect(report.ok).toBe(false);
    const gradient = report.results.find((r) => r.check.startsWith('gradient'))!;
    expect(gradient.ok).toBe(false);
    expect(gradient.message).toMatch(/gradcheck FAILED: worst element is input 0 index \d+: analytic .* vs numeric/);
    expect(formatReport(report)).toContain('✗ gradient matches finite differences');
  });

  it('fails a sigmoid written as 1/(1+exp(−x)), which overflows for large negative x (seed 001)', () => {
    const naive: ActivationEntry = {
      id: 'acme/naiveSigmoid',
      description: '1 / (1 + exp(-x)) computed literally',
      forward: (x) => reciprocal(add(exp(neg(x)), 1)),
      meta: { ...meta, gainIsConvention: true },
    };
    const report = checkActivation('acme/naiveSigmoid', { plugin: pluginWith(naive) });
    const stress = report.results.find((r) => r.check.startsWith('finite outputs'))!;
    expect(stress.ok).toBe(false);
    // In float32 exp(100) already overflows: the output still rounds to 0, but the gradient is NaN.
    expect(stress.message).toBe('the gradient at -100 is NaN');
  });

  it('fails a declared gain that does not match the activation', () => {
    const wrongGain: ActivationEntry = { id: 'acme/tanhGain', description: 'tanh claiming gain 1', forward: (x) => sigmoid(x), meta: { ...meta, gain: 3 } };
    const gain = checkActivation('acme/tanhGain', { plugin: pluginWith(wrongGain) }).results.find((r) => r.check.startsWith('declared gain'))!;
    expect(gain.ok).toBe(false);
    expect(gain.message).toMatch(/declared 3\.0000, measured 1\.8\d+/);
  });
});

/** A dense layer whose bias gradient is summed over the whole matrix (seed 002's bug). */
class BiasBugDense extends Layer {
  readonly type = 'dense';
  constructor(private readonly units: number) {
    super();
  }
  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape.slice(0, -1), this.units];
  }
  protected buildWeights(inputShape: readonly number[], context: BuildContext): void {
    const reference = new Dense({ units: this.units });
    reference.build(inputShape, context);
    const [kernel, bias] = [...reference.parameters().values()];
    this.addParam('kernel', kernel);
    this.addParam('bias', bias);
  }
  protected call(x: Tensor): Tensor {
    const bias = this.param('bias');
    const addBias = defineOp({
      name: 'buggyBiasAdd',
      forward: ([z, b]) => add(z, b),
      // The bug: grad.sum() over everything, broadcast back onto every bias entry.
      backward: ({ dy, inputs: [, b] }) => [dy, mul(add(mul(b, 0), 1), sum(dy))],
    });
    return addBias([matmul(x, this.param('kernel')), bias]);
  }
  config(): LayerConfig {
    return { units: this.units };
  }
}

describe('checkLayer', () => {
  it('catches a bias gradient summed over the whole matrix instead of over the batch axis (seed 002)', () => {
    const report = checkLayer(() => new BiasBugDense(3), { inputShape: [4] });
    expect(report.ok).toBe(false);
    const gradients = report.results.find((r) => r.check.startsWith('gradients'))!;
    expect(gradients.ok).toBe(false);
    expect(gradients.message).toMatch(/^dense_1\/bias\[\d+\]: analytic .* vs numeric/);
  });

  it('passes a correct dense layer', () => {
    const report = checkLayer(() => new Dense({ units: 3, activation: 'tanh' }), { inputShape: [4] });
    expect(report.ok, formatReport(report)).toBe(true);
  });
});

describe('checkLoss', () => {
  it('catches a loss summed over the batch instead of averaged (seed 003)', () => {
    const summed = definePlugin({
      name: '@acme/keel-sum-mse',
      version: '1.0.0',
      provides: {
        loss: [
          {
            id: 'acme/sumMse',
            description: 'squared error summed over everything, whatever the reduction',
            expects: 'real' as const,
            targets: 'real' as const,
            create: () => (p: Tensor, t: Tensor) => sum(mul(sub(p, t), sub(p, t))),
          },
        ],
      },
    });
    const report = checkLoss('acme/sumMse', { plugin: summed });
    expect(report.ok).toBe(false);
    const scaling = report.results.find((r) => r.check.startsWith('gradient scales'))!;
    expect(scaling.ok).toBe(false);
    expect(scaling.message).toContain('the loss is not averaged over the batch');
  });
});

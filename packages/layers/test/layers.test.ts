import { Registry, definePlugin } from '@keel/registry';
import { mean, noGrad, ones, randn, ShapeError, sub, square, sum, tensor, variance, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  ActivationLayer, AvgPool2D, BatchNorm, Conv2D, Dense, Dropout, Flatten, LayerNorm, MaxPool2D, ModelConfigError, Reshape, Sequential, installLayers, modelConfig, modelFromConfig,
} from '../src/index.js';

function std(t: Tensor): number {
  return Math.sqrt(variance(t).item());
}

function freshRegistry(): Registry {
  const registry = new Registry();
  installLayers(registry);
  return registry;
}

describe('Dense', () => {
  it('defaults the kernel initializer to what its activation needs (He for ReLU, Glorot for tanh)', () => {
    const model = new Sequential([new Dense({ units: 256, activation: 'relu' }), new Dense({ units: 256, activation: 'tanh' })], {
      inputShape: [784],
      registry: freshRegistry(),
    }).build();
    const [relu, tanh] = model.layers as Dense[];
    expect(relu.kernelInitializerId).toBe('heNormal');
    expect(tanh.kernelInitializerId).toBe('glorotUniform');
    const params = model.parameters();
    // He: std √(2 / fanIn) = √(2/784) ≈ 0.0505; Glorot uniform: std √(2 / (fanIn + fanOut)) = √(2/512) = 0.0625
    expect(std(params.get('dense_1/kernel')!)).toBeCloseTo(Math.sqrt(2 / 784), 2);
    expect(std(params.get('dense_2/kernel')!)).toBeCloseTo(Math.sqrt(2 / 512), 2);
    expect(params.get('dense_1/bias')!.toArray()).toEqual(new Array(256).fill(0));
  });

  it('keeps ReLU activations at unit scale through a deep stack (the seed-004 failure cannot happen by default)', () => {
    const layers = Array.from({ length: 10 }, () => new Dense({ units: 256, activation: 'relu' }));
    const model = new Sequential(layers, { inputShape: [256], registry: freshRegistry(), seed: 3 });
    const x = randn([512, 256], { seed: 9 });
    const y = noGrad(() => model.apply(x));
    const meanSquare = mean(square(y)).item();
    // He init keeps E[y²] ≈ E[x²] = 1 for ReLU nets; a 0.01-scale init would shrink it by ~1e-20.
    expect(meanSquare).toBeGreaterThan(0.3);
    expect(meanSquare).toBeLessThan(3);
  });

  it('names its parameters and refuses a wrong input shape, naming the layer and both shapes', () => {
    const model = new Sequential([new Dense({ units: 128 }), new Dense({ units: 10 })], { inputShape: [784], registry: freshRegistry() }).build();
    expect([...model.parameters().keys()]).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    expect(model.parameters().get('dense_1/kernel')!.name).toBe('dense_1/kernel');
    expect(() => model.apply(randn([64, 100]))).toThrow(new ShapeError('dense_1', 'expected input of shape [batch, 784], got [64, 100]'));
  });

  it('computes x·W + b followed by its activation', () => {
    const layer = new Dense({ units: 2, activation: 'relu', kernelInitializer: { id: 'constant', value: 0.5 }, biasInitializer: { id: 'constant', value: -1 } });
    const model = new Sequential([layer], { inputShape: [3], registry: freshRegistry() });
    const y = model.apply(tensor([[1, 2, 3], [0, 1, 0]]));
    expect(y.toArray()).toEqual([[2, 2], [0, 0]]);
  });

  it('rejects bad options clearly', () => {
    expect(() => new Dense({ units: 0 })).toThrow('dense: units is 0; expected an integer from 1 to 16777216');
    const model = new Sequential([new Dense({ units: 3, activation: 'rleu' as 'relu' })], { inputShape: [2], registry: freshRegistry() });
    expect(() => model.build()).toThrow("unknown activation 'rleu'; did you mean 'relu'?");
  });
});

describe('Sequential', () => {
  it('refuses a seed that would alias another (-1, 1.5, a string), naming the model', () => {
    for (const [seed, shown] of [[-1, '-1'], [1.5, '1.5'], ['1', "'1'"]] as const) {
      expect(() => new Sequential([new Dense({ units: 2 })], { name: 'mlp', seed: seed as number, registry: freshRegistry() })).toThrow(
        `mlp: seed must be a whole number from 0 to 4294967295, got ${shown}`,
      );
    }
  });

  it('builds lazily from the first batch and summarises layers, shapes and parameter counts', () => {
    const model = new Sequential([new Dense({ units: 128, activation: 'relu' }), new Dropout({ rate: 0.2 }), new Dense({ units: 10 })], {
      registry: freshRegistry(),
    });
    model.apply(randn([2, 784]));
    const text = model.summary();
    expect(text).toContain('dense_1 (dense)');
    expect(text).toContain('[batch, 128]');
    expect(text).toContain('100,480');
    expect(text).toContain('dropout_1 (dropout)');
    expect(text).toContain('Total params: 101,770');
  });

  it('gives the same weights for the same seed and different ones for another seed', () => {
    const make = (seed: number) => new Sequential([new Dense({ units: 4, activation: 'relu' })], { inputShape: [3], seed, registry: freshRegistry() }).build();
    const a = make(1).parameters().get('dense_1/kernel')!.toArray();
    expect(make(1).parameters().get('dense_1/kernel')!.toArray()).toEqual(a);
    expect(make(2).parameters().get('dense_1/kernel')!.toArray()).not.toEqual(a);
  });

  it('passes gradients to every parameter, the bias getting the batch sum', () => {
    const model = new Sequential([new Dense({ units: 3, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], registry: freshRegistry() });
    const x = randn([5, 2], { seed: 4 });
    const loss = sum(model.apply(x));
    loss.backward();
    for (const [name, p] of model.parameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.shape).toEqual(p.shape);
    }
    // d sum / d bias_2 = batch size
    expect(model.parameters().get('dense_2/bias')!.grad!.item()).toBeCloseTo(5, 5);
  });

  it('round-trips its config through JSON, recording plugins and versions', () => {
    const registry = freshRegistry();
    const model = new Sequential(
      [new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }), new MaxPool2D({ poolSize: 2 }), new Flatten(), new Dense({ units: 10 })],
      { inputShape: [8, 8, 1], seed: 7, registry },
    ).build();
    const json = JSON.parse(JSON.stringify(modelConfig(model))) as ReturnType<typeof modelConfig>;
    expect(json.requires).toContainEqual({ kind: 'layer', id: 'conv2d', plugin: '@keel/layers', version: expect.any(String) as string });
    expect(json.requires.map((r) => `${r.kind}:${r.id}`)).toContain('activation:relu');
    const rebuilt = modelFromConfig(json, registry).build();
    const x = randn([2, 8, 8, 1], { seed: 1 });
    expect(noGrad(() => rebuilt.apply(x)).toArray()).toEqual(noGrad(() => model.apply(x)).toArray());
    expect(rebuilt.layers.map((l) => l.name)).toEqual(['conv2d_1', 'maxPool2d_1', 'flatten_1', 'dense_1']);
  });

  it('names the missing plugin when a config needs one that is not installed', () => {
    const registry = freshRegistry();
    const swish = definePlugin({
      name: '@acme/keel-swish',
      version: '1.2.0',
      provides: { activation: [{ id: 'acme/swish', description: 'x·σ(x)', forward: (x: Tensor) => x, meta: { gain: 1, recommendedInitializer: 'heNormal', outputRange: [-Infinity, Infinity], saturation: {}, kinks: [] } }] },
    });
    registry.use(swish);
    const model = new Sequential([new Dense({ units: 2, activation: 'acme/swish' as 'relu' })], { inputShape: [2], registry }).build();
    const config = modelConfig(model);
    expect(() => modelFromConfig(config, freshRegistry())).toThrow(
      new ModelConfigError("this model needs plugins that are not installed: activation 'acme/swish' from @acme/keel-swish@1.2.0. Install the package(s) and registry.use() their plugin."),
    );
  });
});

describe('other layers', () => {
  it('Conv2D and pooling produce the documented NHWC shapes', () => {
    const model = new Sequential(
      [new Conv2D({ filters: 8, kernelSize: 5 }), new MaxPool2D(), new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), new AvgPool2D({ poolSize: 2, strides: 1 })],
      { inputShape: [28, 28, 1], registry: freshRegistry() },
    );
    expect(model.outputShape()).toEqual([5, 5, 4]);
    expect(model.apply(randn([2, 28, 28, 1])).shape).toEqual([2, 5, 5, 4]);
    expect(() => new Sequential([new Conv2D({ filters: 2, kernelSize: 3 })], { inputShape: [784], registry: freshRegistry() }).build()).toThrow(
      'conv2d_1: expected images [batch, height, width, channels], got per-example shape [784]',
    );
  });

  it('BatchNorm normalises with batch statistics in training and running ones in evaluation', () => {
    const layer = new BatchNorm({ momentum: 0 });
    const model = new Sequential([layer], { inputShape: [3], registry: freshRegistry() });
    const x = tensor([[1, 10, -2], [3, 20, -4], [5, 30, -6]]);
    const y = model.apply(x);
    expect((mean(y, { axis: 0 }).toArray() as number[]).map((v: number) => Math.abs(v) < 1e-5)).toEqual([true, true, true]);
    expect((mean(square(y), { axis: 0 }).toArray() as number[]).map((v: number) => Math.abs(v - 1) < 1e-3)).toEqual([true, true, true]);
    // momentum 0: the running statistics are exactly this batch's
    expect(model.buffers().get('batchNorm_1/movingMean')!.toArray()).toEqual([3, 20, -4]);
    model.eval();
    const evaluated = model.apply(x);
    expect((sub(evaluated, y).toArray() as number[][]).flat().every((v: number) => Math.abs(v) < 1e-3)).toBe(true);
  });

  it('LayerNorm gives each example zero mean and unit variance', () => {
    const model = new Sequential([new LayerNorm()], { inputShape: [4], registry: freshRegistry() });
    const y = model.apply(tensor([[1, 2, 3, 4], [10, 0, -10, 5]]));
    for (const row of y.toArray() as number[][]) {
      const m = row.reduce((a, b) => a + b) / 4;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
      expect(m).toBeCloseTo(0, 5);
      expect(v).toBeCloseTo(1, 3);
    }
  });

  it('Dropout drops about `rate` of units in training, scales the rest, and is the identity in evaluation', () => {
    const model = new Sequential([new Dropout({ rate: 0.25 })], { inputShape: [1000], registry: freshRegistry(), seed: 5 });
    const x = ones([4, 1000]);
    const y = model.apply(x).values;
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.22);
    expect(zeros).toBeLessThan(0.28);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    model.eval();
    expect(model.apply(x).toArray()).toEqual(x.toArray());
  });

  it('Flatten, Reshape and Activation reshape and transform as documented', () => {
    const model = new Sequential([new Reshape({ targetShape: [2, -1] }), new Flatten(), new ActivationLayer({ activation: 'relu' })], {
      inputShape: [6],
      registry: freshRegistry(),
    });
    expect(model.outputShape()).toEqual([6]);
    expect(model.apply(tensor([[-1, 2, -3, 4, -5, 6]])).toArray()).toEqual([[0, 2, 0, 4, 0, 6]]);
    expect(() => new Sequential([new Reshape({ targetShape: [4, -1] })], { inputShape: [6], registry: freshRegistry() }).build()).toThrow(
      'reshape_1: cannot reshape examples of shape [6] to [4, -1]',
    );
  });
});

import type { ActivationEntry } from '@keel/activations';
import { ArrayDataset, applyStandardize, blobs, fitStandardize } from '@keel/data';
import { Conv2D, Dense, Flatten, Sequential } from '@keel/layers';
import { definePlugin, type Registry } from '@keel/registry';
import { mul, relu, square, sub, sum, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { explain, lint, type LintOptions } from '../src/index.js';
import { codes, find, freshRegistry } from './helpers.js';

/** Three standardized 2-D blobs: a healthy classification batch. */
function blobBatch(n = 64): { x: Tensor; y: Tensor; xs: Float32Array; labels: Float32Array } {
  const set = blobs({ n, centers: 3, std: 1, seed: 1 });
  const xs = applyStandardize(set.x, fitStandardize(set.x, 2));
  const labels = Float32Array.from(set.y);
  return { x: tensor(Array.from(xs), [n, 2]), y: tensor(Array.from(labels), [n]), xs, labels };
}

function oneHot(labels: Float32Array, k: number): Tensor {
  const values = new Float32Array(labels.length * k);
  labels.forEach((c, i) => (values[i * k + c] = 1));
  return tensor(Array.from(values), [labels.length, k]);
}

function mlp(registry: Registry, hidden: ConstructorParameters<typeof Dense>[0], output: ConstructorParameters<typeof Dense>[0], inputs = 2): Sequential {
  return new Sequential([new Dense(hidden), new Dense(output)], { inputShape: [inputs], seed: 1, registry });
}

function run(options: Omit<LintOptions, 'registry'> & { registry?: Registry }): ReturnType<typeof lint> {
  return lint({ registry: freshRegistry(), ...options });
}

describe('lint: a healthy set-up', () => {
  it('has nothing to say about default initializers, normalised inputs and a from-logits loss', () => {
    const registry = freshRegistry();
    const { x, y } = blobBatch();
    const result = lint({ model: mlp(registry, { units: 16, activation: 'relu' }, { units: 3 }), loss: 'sparseSoftmaxCrossEntropy', optimizer: 'adam', batch: { x, y }, registry });
    expect(result.findings).toEqual([]);
    expect(result.expectedInitialLoss).toBeCloseTo(Math.log(3), 6);
    expect(result.batchScaling).toBeCloseTo(1, 5);
    expect(result.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2']);
    expect(result.layers[0].initScale).toBeCloseTo(1, 1); // He: E[w²]·fanIn = gain²
  });

  it('takes the first batch from a data set when given one', () => {
    const registry = freshRegistry();
    const { xs, labels } = blobBatch(200);
    const data = new ArrayDataset(xs, [2], labels, []);
    expect(lint({ model: mlp(registry, { units: 8, activation: 'tanh' }, { units: 3 }), loss: 'sparseSoftmaxCrossEntropy', data, registry }).findings).toEqual([]);
  });
});

describe('lint: the loss against the output layer and the targets', () => {
  it("mse-on-classification: a squared error on one-hot targets after a sigmoid output", () => {
    const registry = freshRegistry();
    const { x, labels } = blobBatch();
    const { findings } = lint({ model: mlp(registry, { units: 8, activation: 'relu' }, { units: 3, activation: 'sigmoid' }), loss: 'meanSquaredError', batch: { x, y: oneHot(labels, 3) }, registry });
    expect(explain(find(findings, 'mse-on-classification'))).toMatch(/one-hot.*softmaxCrossEntropy/);
  });

  it('probabilities-for-logits: a softmax output fed to a loss that applies softmax itself (from the activation metadata)', () => {
    const registry = freshRegistry();
    const { x, y } = blobBatch();
    const f = find(lint({ model: mlp(registry, { units: 8, activation: 'relu' }, { units: 3, activation: 'softmax' }), loss: 'sparseSoftmaxCrossEntropy', batch: { x, y }, registry }).findings, 'probabilities-for-logits');
    expect(f).toMatchObject({ severity: 'error', layer: 'dense_2', source: 'lint' });
    expect(explain(f)).toMatch(/^Layer dense_2: the output layer applies softmax, and sparseSoftmaxCrossEntropy applies softmax again/);
  });

  it('probabilities-for-logits: a sigmoid before binaryCrossEntropyWithLogits', () => {
    const registry = freshRegistry();
    const { x, labels } = blobBatch();
    const y = tensor(Array.from(labels, (c) => [c === 0 ? 1 : 0]));
    expect(codes(lint({ model: mlp(registry, { units: 8, activation: 'relu' }, { units: 1, activation: 'sigmoid' }), loss: 'binaryCrossEntropyWithLogits', batch: { x, y }, registry }).findings)).toContain('probabilities-for-logits');
  });

  it('logits-for-probabilities: a linear output fed to a loss on probabilities', () => {
    const registry = freshRegistry();
    const { x, labels } = blobBatch();
    const y = tensor(Array.from(labels, (c) => [c === 0 ? 1 : 0]));
    const f = find(lint({ model: mlp(registry, { units: 8, activation: 'relu' }, { units: 1 }), loss: 'binaryCrossEntropy', batch: { x, y }, registry }).findings, 'logits-for-probabilities');
    expect(f.severity).toBe('error');
    expect(explain(f)).toMatch(/binaryCrossEntropyWithLogits/);
  });

  it('class-index-out-of-range and loss-input-mismatch come from the losses’ checkLossInputs', () => {
    const registry = freshRegistry();
    const { x, labels } = blobBatch();
    const model = mlp(registry, { units: 8, activation: 'relu' }, { units: 3 });
    const outOfRange = tensor(Array.from(labels, (c) => c + 1)); // 1-based labels
    expect(explain(find(run({ model, loss: 'sparseSoftmaxCrossEntropy', batch: { x, y: outOfRange }, registry }).findings, 'class-index-out-of-range'))).toMatch(/1-based/);
    const mismatch = find(run({ model, loss: 'sparseSoftmaxCrossEntropy', batch: { x, y: oneHot(labels, 3) }, registry }).findings, 'loss-input-mismatch');
    expect(mismatch.evidence.issue).toBe('one-hot-for-sparse');
  });

  it('output-range-mismatch: regression targets up to 101 after a sigmoid', () => {
    const registry = freshRegistry();
    const x = tensor(Array.from({ length: 32 }, (_, i) => [i / 32]));
    const y = tensor(Array.from({ length: 32 }, (_, i) => [1 + (i * 100) / 31]));
    const f = find(lint({ model: mlp(registry, { units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }, 1), loss: 'meanSquaredError', batch: { x, y }, registry }).findings, 'output-range-mismatch');
    expect(explain(f)).toMatch(/targets range from 1 to 101.*only produces values in \[0, 1\]/);
  });

  it('relu-on-output: suggests logits + binaryCrossEntropyWithLogits for 0/1 targets', () => {
    const registry = freshRegistry();
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([[0], [1], [1], [0]]);
    const f = find(lint({ model: mlp(registry, { units: 8, activation: 'relu' }, { units: 1, activation: 'relu' }), loss: 'meanSquaredError', batch: { x, y }, registry }).findings, 'relu-on-output');
    expect(f.evidence.binaryTargets).toBe(true);
    expect(explain(f)).toMatch(/binaryCrossEntropyWithLogits/);
  });
});

describe('lint: initialisation against the activation (E[w²]·fan-in vs gain²)', () => {
  const wide = (registry: Registry, kernelInitializer: NonNullable<ConstructorParameters<typeof Dense>[0]['kernelInitializer']>, activation: 'relu' | 'tanh' = 'relu'): Sequential =>
    new Sequential([new Dense({ units: 64, activation, kernelInitializer }), new Dense({ units: 3 })], { inputShape: [400], seed: 1, registry });
  const batch = { x: tensor(Array.from({ length: 16 }, (_, i) => Array.from({ length: 400 }, (_, j) => Math.sin(i * 400 + j) * 0.5 + 0.5))), y: tensor(Array.from({ length: 16 }, (_, i) => i % 3)) };

  it('init-too-large: uniform(±0.5) on 400 inputs before ReLU', () => {
    const registry = freshRegistry();
    const f = find(lint({ model: wide(registry, { id: 'uniform', minval: -0.5, maxval: 0.5 }), loss: 'sparseSoftmaxCrossEntropy', batch, registry }).findings, 'init-too-large', 'dense_1');
    expect(f.evidence.secondMomentTimesFanIn).toBeCloseTo(400 / 12, 5);
    expect(f.evidence.momentsFrom).toBe('config');
    expect(explain(f)).toMatch(/He initializer for ReLU \(std 0\.0707\)/);
  });

  it('init-too-small-for-relu: a ×0.01 initialisation before ReLU; init-too-small before tanh', () => {
    const registry = freshRegistry();
    expect(explain(find(lint({ model: wide(registry, { id: 'normal', stddev: 0.01 }), loss: 'sparseSoftmaxCrossEntropy', batch, registry }).findings, 'init-too-small-for-relu'))).toMatch(/only the biases/);
    expect(codes(lint({ model: wide(registry, { id: 'normal', stddev: 0.001 }, 'tanh'), loss: 'sparseSoftmaxCrossEntropy', batch, registry }).findings)).toContain('init-too-small');
  });

  it('init-not-centered: uniform(0, 1) weights are all positive', () => {
    const registry = freshRegistry();
    const f = find(lint({ model: wide(registry, { id: 'uniform', minval: 0, maxval: 1 }), loss: 'sparseSoftmaxCrossEntropy', batch, registry }).findings, 'init-not-centered');
    expect(explain(f)).toMatch(/all positive/);
  });

  it('covers Conv2D kernels: fan-in is kh·kw·channels, and pre-activations are read per filter', () => {
    const registry = freshRegistry();
    const model = new Sequential(
      [new Conv2D({ filters: 8, kernelSize: 3, activation: 'relu', padding: 'same', kernelInitializer: { id: 'uniform', minval: -3, maxval: 3 } }), new Flatten(), new Dense({ units: 3 })],
      { inputShape: [8, 8, 2], seed: 1, registry },
    );
    const x = tensor(Array.from({ length: 4 * 8 * 8 * 2 }, (_, i) => Math.cos(i)), [4, 8, 8, 2]);
    const result = lint({ model, loss: 'sparseSoftmaxCrossEntropy', batch: { x, y: tensor([0, 1, 2, 0]) }, registry });
    const f = find(result.findings, 'init-too-large', 'conv2d_1');
    expect(f.evidence.fanIn).toBe(18);
    expect(f.evidence.secondMomentTimesFanIn).toBeCloseTo(18 * 3, 6); // E[w²] = 3 for uniform(±3)
    expect(result.layers[0].preActivationRms).toBeGreaterThan(0);
    expect(result.layers[0].deadFraction).toBeDefined();
  });

  it('reads the gain from the activation metadata, so a third-party activation is covered', () => {
    const registry = freshRegistry();
    // 0.5·relu(x): E[f²] = 1/8 for x ~ N(0, 1), so its gain is √8.
    const halfRelu: ActivationEntry = {
      id: 'acme/halfRelu',
      description: '0.5·relu(x)',
      forward: (v) => mul(relu(v), 0.5),
      meta: { gain: Math.sqrt(8), recommendedInitializer: 'heNormal', outputRange: [0, Infinity], saturation: { below: 0 }, kinks: [0] },
    };
    registry.use(definePlugin({ name: '@acme/half-relu', version: '1.0.0', provides: { activation: [halfRelu] } }));
    const model = new Sequential([new Dense({ units: 64, activation: 'acme/halfRelu' as 'relu', kernelInitializer: { id: 'normal', stddev: 0.01 } }), new Dense({ units: 3 })], { inputShape: [400], seed: 1, registry });
    const f = find(lint({ model, loss: 'sparseSoftmaxCrossEntropy', batch, registry }).findings, 'init-too-small-for-relu');
    expect(f.evidence.activation).toBe('acme/halfRelu');
    expect(f.evidence.targetGainSquared).toBeCloseTo(8, 10);
  });
});

describe('lint: the batch', () => {
  const registry = freshRegistry();
  const model = (inputs: number): Sequential => mlp(registry, { units: 8, activation: 'relu' }, { units: 3 }, inputs);

  it('inputs-not-normalized: raw 0–255 pixels, large floats, features far from 0 with little spread', () => {
    const pixels = tensor(Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, j) => (i * 37 + j * 11) % 256)));
    const labels = tensor([0, 1, 2, 0, 1, 2, 0, 1]);
    expect(explain(find(lint({ model: model(16), loss: 'sparseSoftmaxCrossEntropy', batch: { x: pixels, y: labels }, registry }).findings, 'inputs-not-normalized'))).toMatch(/raw 0–255 pixel values.*divide pixels by 255/);
    const big = tensor(Array.from({ length: 8 }, (_, i) => [i * 123.4 + 0.5, -i * 77.7]));
    expect(explain(find(lint({ model: model(2), loss: 'sparseSoftmaxCrossEntropy', batch: { x: big, y: labels }, registry }).findings, 'inputs-not-normalized'))).toMatch(/far from unit scale/);
    const offset = tensor(Array.from({ length: 8 }, (_, i) => [5 + (i % 3) * 0.1, 7 - (i % 2) * 0.1]));
    expect(explain(find(lint({ model: model(2), loss: 'sparseSoftmaxCrossEntropy', batch: { x: offset, y: labels }, registry }).findings, 'inputs-not-normalized'))).toMatch(/\|mean\| ≫ std/);
  });

  it('targets-not-normalized: regression targets in the hundreds', () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => [i / 16]));
    const y = tensor(Array.from({ length: 16 }, (_, i) => [100 + i * 20]));
    expect(codes(lint({ model: mlp(registry, { units: 8, activation: 'relu' }, { units: 1 }, 1), loss: 'meanSquaredError', batch: { x, y }, registry }).findings)).toContain('targets-not-normalized');
  });
});

describe('lint: the first loss', () => {
  it('initial-loss-too-high: cross-entropy far above ln K from oversized weights', () => {
    const registry = freshRegistry();
    const { x, y } = blobBatch();
    const model = mlp(registry, { units: 32, activation: 'relu', kernelInitializer: { id: 'uniform', minval: -5, maxval: 5 } }, { units: 3, kernelInitializer: { id: 'uniform', minval: -5, maxval: 5 } });
    const result = lint({ model, loss: 'sparseSoftmaxCrossEntropy', batch: { x, y }, registry });
    expect(explain(find(result.findings, 'initial-loss-too-high'))).toMatch(/ln K/);
  });

  it("loss-summed-not-averaged: from the config (reduction: 'sum'), and from the values for a custom loss function", () => {
    const registry = freshRegistry();
    const { x, y, labels } = blobBatch();
    const model = mlp(registry, { units: 8, activation: 'relu' }, { units: 3 });
    const fromConfig = find(lint({ model, loss: { id: 'sparseSoftmaxCrossEntropy', reduction: 'sum' }, optimizer: { id: 'sgd', lr: 0.01 }, batch: { x, y }, batchSize: 128, registry }).findings, 'loss-summed-not-averaged');
    expect(fromConfig.evidence).toMatchObject({ reduction: 'sum', batchSize: 128, effectiveLr: 1.28 });
    const summedSquares = (p: Tensor, t: Tensor): Tensor => sum(square(sub(p, t)));
    const fromValues = find(lint({ model, loss: summedSquares, batch: { x, y: oneHot(labels, 3) }, registry }).findings, 'loss-summed-not-averaged');
    expect(fromValues.evidence.batchScaling).toBeCloseTo(2, 5);
  });
});

describe('lint: a forward pass on the batch', () => {
  it('activations-vanishing through a deep ReLU stack with ×0.01 weights; the per-layer scale is in the result', () => {
    const registry = freshRegistry();
    const small = { id: 'normal', stddev: 0.01 } as const;
    const layers = [64, 64, 64].map((units) => new Dense({ units, activation: 'relu', kernelInitializer: small }));
    const model = new Sequential([...layers, new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
    const { x, y } = blobBatch();
    const result = lint({ model, loss: 'sparseSoftmaxCrossEntropy', batch: { x, y }, registry });
    expect(explain(find(result.findings, 'activations-vanishing'))).toMatch(/smaller per layer/);
    const rms = result.layers.map((l) => l.outputRms!);
    expect(rms[2]).toBeLessThan(rms[0] / 100);
  });

  it('activations-exploding through a deep ReLU stack with oversized weights', () => {
    const registry = freshRegistry();
    const big = { id: 'normal', stddev: 2 } as const;
    const model = new Sequential([...[64, 64, 64].map((units) => new Dense({ units, activation: 'relu', kernelInitializer: big })), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
    const { x, y } = blobBatch();
    expect(codes(lint({ model, loss: 'sparseSoftmaxCrossEntropy', batch: { x, y }, registry }).findings)).toContain('activations-exploding');
  });

  it('dead-relu at initialisation (a bias of -5) and saturated-units (tanh with oversized weights)', () => {
    const registry = freshRegistry();
    const { x, y } = blobBatch();
    const dead = lint({ model: mlp(registry, { units: 16, activation: 'relu', biasInitializer: { id: 'constant', value: -5 } }, { units: 3 }), loss: 'sparseSoftmaxCrossEntropy', batch: { x, y }, registry });
    expect(find(dead.findings, 'dead-relu', 'dense_1').evidence.deadFraction).toBe(1);
    expect(codes(dead.findings)).toContain('constant-predictions');
    const saturated = lint({ model: mlp(registry, { units: 16, activation: 'tanh', kernelInitializer: { id: 'normal', stddev: 20 } }, { units: 3 }), loss: 'sparseSoftmaxCrossEntropy', batch: { x, y }, registry });
    expect(explain(find(saturated.findings, 'saturated-units', 'dense_1'))).toMatch(/tanh pre-activations on the first batch are beyond ±3/);
  });
});

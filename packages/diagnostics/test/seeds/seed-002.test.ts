// Seed 002 — XOR "from scratch": 2-16-16-16-1 with ReLU on every layer including the output,
// He-scaled weights (randn·√(2/fan-in)), biases 0.5, squared error, online SGD (one example at a
// time, in order), lr 0.01, 5000 epochs. "Now it just predicts 0 for all inputs." The answer:
// the bias gradient is summed over the whole matrix (grad.sum() instead of grad.sum(axis=0));
// and a ReLU output does not suit a 0/1 target — use a sigmoid output (ReLU hidden layers).
import { ArrayDataset, xor } from '@keel/data';
import { createInitializer } from '@keel/initializers';
import { Dense, Layer, Sequential, type BuildContext, type LayerConfig, type LayerEntry } from '@keel/layers';
import { definePlugin, type Registry } from '@keel/registry';
import { add, defineOp, matmul, mul, onesLike, relu, sum, tensor, type Tensor } from '@keel/tensor';
import { checkLayer, formatReport } from '@keel/testkit';
import { evaluate, fit, predict } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { diagnoseFit, explain } from '../../src/index.js';
import { codes, find, freshRegistry, show, since } from '../helpers.js';

const { x, y } = xor();
const data = new ArrayDataset(x, [2], Float32Array.from(y), [1]);
const corners = tensor([[0, 0], [1, 1], [1, 0], [0, 1]]);
const he = { id: 'varianceScaling', scale: 2, distribution: 'untruncatedNormal' } as const; // randn · √(2 / fan-in)
const half = { id: 'constant', value: 0.5 } as const;

function askersNet(registry: Registry, seed: number): Sequential {
  const layer = (units: number): Dense => new Dense({ units, activation: 'relu', kernelInitializer: he, biasInitializer: half });
  return new Sequential([layer(16), layer(16), layer(16), layer(1)], { inputShape: [2], seed, registry });
}

// The bias bug, written the only way Keel lets you write it: a custom op whose hand-written
// backward sums the gradient over everything (grad.sum()) and hands every unit that one number.
const summedBiasAdd = defineOp({
  name: 'summedBiasAdd',
  forward: ([z, b]) => add(z, b),
  backward: ({ inputs, dy }) => [dy, mul(onesLike(inputs[1]), sum(dy))],
});

class SummedBiasDense extends Layer {
  readonly type = 'seed002/summedBiasDense';
  constructor(private readonly units: number) {
    super();
  }
  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape.slice(0, -1), this.units];
  }
  protected buildWeights(inputShape: readonly number[], context: BuildContext): void {
    const fanIn = inputShape[inputShape.length - 1];
    const init = (spec: typeof he | typeof half, shape: number[]): Tensor => createInitializer(context.registry, spec)(shape, { fanIn, fanOut: this.units, random: context.random, dtype: context.dtype });
    this.addParam('kernel', init(he, [fanIn, this.units]));
    this.addParam('bias', init(half, [this.units]));
  }
  protected call(input: Tensor): Tensor {
    return relu(summedBiasAdd([matmul(input, this.param('kernel')), this.param('bias')]));
  }
  config(): LayerConfig {
    return { units: this.units };
  }
}

const summedBiasPlugin = definePlugin({
  name: 'seed-002',
  version: '1.0.0',
  provides: { layer: [{ id: 'seed002/summedBiasDense', description: 'a dense layer with a bias gradient summed over the whole matrix', create: (c: LayerConfig) => new SummedBiasDense(c.units as number) } satisfies LayerEntry] },
});

describe('seed 002: XOR with ReLU everywhere predicts 0 for every input', () => {
  it('rebuilt with Keel it dies the same way; the doctor says why: the ReLU on the output layer', async () => {
    const registry = freshRegistry();
    const model = askersNet(registry, 2);
    const started = performance.now();
    const { report } = await diagnoseFit(model, data, { loss: 'meanSquaredError', optimizer: { id: 'sgd', lr: 0.01 }, batchSize: 1, epochs: 5000, shuffle: false, metrics: [], registry });
    show(`seed 002 as asked (${since(started)}):`, report);
    expect(Array.from(predict(model, corners).values)).toEqual([0, 0, 0, 0]);
    expect(codes(report)).toEqual(expect.arrayContaining(['relu-on-output', 'dead-relu', 'constant-predictions']));
    expect(find(report, 'dead-relu', 'dense_4').evidence.deadFraction).toBe(1);
    expect(explain(find(report, 'relu-on-output'))).toMatch(/predicts a constant 0 \(or -0\).*linear output layer \(logits\) with loss 'binaryCrossEntropyWithLogits'/);
    expect(explain(find(report, 'constant-predictions'))).toMatch(/dense_4 are dead/);
  });

  it("the answer's bug, a bias gradient summed over the whole matrix, cannot be written with Keel's ops: Dense's bias gradient is summed over the batch axis only", () => {
    const registry = freshRegistry();
    const model = askersNet(registry, 1).build();
    const out = model.apply(corners);
    sum(mul(out, tensor([[1], [2], [3], [4]]))).backward();
    const bias = model.parameters().get('dense_3/bias')!;
    expect(bias.grad!.shape).toEqual([16]);
    expect(new Set(bias.grad!.values).size).toBeGreaterThan(1); // one number per unit, not one for all
    const report = checkLayer(() => new Dense({ units: 4, activation: 'relu' }), { inputShape: [3] });
    expect(report.ok).toBe(true);
  });

  it('the nearest thing a user can write — a custom bias op with a hand-written backward that sums everything — is caught by checkLayer, and flagged by the doctor while training', async () => {
    const report = checkLayer(() => new SummedBiasDense(4), { inputShape: [3], plugins: [summedBiasPlugin] });
    console.log(formatReport(report));
    expect(report.ok).toBe(false);
    // The gradient check against finite differences catches it, naming the bias. (Batch scaling
    // passes: summing over units as well as examples still scales like a mean over the batch.)
    const failed = report.results.filter((r) => !r.ok);
    expect(failed.map((r) => r.check)).toEqual(['gradients of input and parameters match finite differences (float64)']);
    expect(failed[0].message).toMatch(/^seed002\/summedBiasDense_1\/bias\[\d+\]: analytic -?[\d.e-]+ vs numeric -?[\d.e-]+/);

    const registry = freshRegistry();
    registry.use(summedBiasPlugin);
    const model = new Sequential([new SummedBiasDense(16), new SummedBiasDense(16), new Dense({ units: 1 })], { inputShape: [2], seed: 1, registry });
    const { report: doctorReport } = await diagnoseFit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 0.01 }, batchSize: 4, epochs: 100, registry });
    const bias = find(doctorReport, 'suspicious-bias-gradient', 'seed002/summedBiasDense_1');
    expect(bias.parameter).toBe('seed002/summedBiasDense_1/bias');
    expect(explain(bias)).toMatch(/summed over the whole matrix \(grad\.sum\(\)\) instead of over the batch axis/);
  });

  it('following the fixes (ReLU hidden layers, a linear output with binaryCrossEntropyWithLogits) XOR reaches 100% with the same SGD', async () => {
    const registry = freshRegistry();
    const hidden = (): Dense => new Dense({ units: 16, activation: 'relu', kernelInitializer: he, biasInitializer: half });
    const model = new Sequential([hidden(), hidden(), hidden(), new Dense({ units: 1 })], { inputShape: [2], seed: 2, registry });
    await fit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 0.01 }, batchSize: 1, epochs: 5000, shuffle: false, registry });
    const { accuracy } = evaluate(model, data, { loss: 'binaryCrossEntropyWithLogits', registry });
    expect(accuracy).toBe(1);
  });
});

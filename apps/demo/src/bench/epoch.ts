// The 'mlp' workload of `keel bench` (apps/cli/src/bench/workloads.ts), run exactly as its
// keel-epoch.ts runs it: 784-128-10 ReLU with a linear output, built like the CLI's buildModel
// (the activation's default initializer: He for ReLU), then one epoch of the 60,000 training
// images with fit's defaults (numerics guard on) — sparse softmax cross-entropy, plain SGD at
// 0.1, batch 64, seed 1, no metrics, no warm-up — timed around fit alone, then test accuracy.
import { ArrayDataset } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { evaluate, fit, type Callback } from '@keel/train';
import { scalePixels, type Mnist } from '../shared/mnist.js';

export const WORKLOAD = { hidden: 128, batchSize: 64, lr: 0.1, seed: 1 } as const;

export interface EpochMeasure {
  readonly seconds: number;
  readonly batches: number;
  readonly testAccuracy: number;
}

function buildMlp(registry: Registry): Sequential {
  const layers = [new Dense({ units: WORKLOAD.hidden, activation: 'relu' }), new Dense({ units: 10, activation: 'linear' })];
  return new Sequential(layers, { inputShape: [784], seed: WORKLOAD.seed, registry, name: 'mlp' }).build();
}

export async function timedEpoch(mnist: Mnist, registry: Registry): Promise<EpochMeasure> {
  const train = new ArrayDataset(scalePixels(mnist.train.images, 1 / 255), [784], mnist.train.labels, []);
  const test = new ArrayDataset(scalePixels(mnist.test.images, 1 / 255), [784], mnist.test.labels, []);
  const model = buildMlp(registry);
  let batches = 0;
  const counter: Callback = { name: 'bench-counter', onBatchEnd: () => void batches++ };
  const started = performance.now();
  await fit(model, train, {
    loss: 'sparseSoftmaxCrossEntropy',
    optimizer: { id: 'sgd', lr: WORKLOAD.lr },
    epochs: 1,
    batchSize: WORKLOAD.batchSize,
    seed: WORKLOAD.seed,
    metrics: [],
    callbacks: [counter],
    registry,
  });
  const seconds = (performance.now() - started) / 1000;
  const { accuracy } = evaluate(model, test, { loss: 'sparseSoftmaxCrossEntropy', registry, batchSize: 500 });
  return { seconds, batches, testAccuracy: accuracy ?? Number.NaN };
}

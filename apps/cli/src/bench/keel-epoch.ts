// One epoch of a workload on a Keel backend, with fit's defaults (numerics guard on).
import { ArrayDataset } from '@keel/data';
import type { Registry } from '@keel/registry';
import { evaluate, fit, type Callback } from '@keel/train';
import { buildModel } from '../model.js';
import type { MnistArrays } from './mnist.js';
import type { EpochMeasure, Workload } from './workloads.js';

export async function keelEpoch(workload: Workload, data: MnistArrays, registry: Registry, budgetSeconds: number): Promise<EpochMeasure> {
  const shape = workload.architecture === 'cnn' ? [28, 28, 1] : [784];
  const train = new ArrayDataset(data.train.x, shape, data.train.labels, []);
  const test = new ArrayDataset(data.test.x, shape, data.test.labels, []);
  const model = buildModel({ architecture: workload.architecture, layers: workload.layers, activation: 'relu', inputShape: shape, outputUnits: 10, outputActivation: 'linear', seed: 1, registry });
  let batches = 0;
  const counter: Callback = { name: 'bench-counter', onBatchEnd: () => void batches++ };
  const started = performance.now();
  await fit(model, train, {
    loss: 'sparseSoftmaxCrossEntropy',
    optimizer: { id: 'sgd', lr: workload.lr },
    epochs: 1,
    batchSize: workload.batchSize,
    seed: 1,
    metrics: [],
    callbacks: [counter],
    registry,
    signal: AbortSignal.timeout(budgetSeconds * 1000),
  });
  const seconds = (performance.now() - started) / 1000;
  const { accuracy } = evaluate(model, test, { loss: 'sparseSoftmaxCrossEntropy', registry, batchSize: 500 });
  return { seconds, batches, totalBatches: Math.ceil(data.train.count / workload.batchSize), testAccuracy: accuracy ?? Number.NaN };
}

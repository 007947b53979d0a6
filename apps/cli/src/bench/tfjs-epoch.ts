// One epoch of a workload on TensorFlow.js: the same architecture with tfjs's own defaults
// (Glorot initializers, softmax + categorical cross-entropy).
import { accuracyOf, type MnistArrays } from './mnist.js';
import type { Tf, TfModel } from './tfjs.js';
import type { EpochMeasure, Workload } from './workloads.js';

function tfModel(tf: Tf, workload: Workload): TfModel {
  const model = tf.sequential();
  if (workload.architecture === 'cnn') {
    workload.layers.forEach((filters, i) => {
      model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', ...(i === 0 ? { inputShape: [28, 28, 1] } : {}) }));
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    });
    model.add(tf.layers.flatten());
  } else {
    workload.layers.forEach((units, i) => model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })));
  }
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(workload.lr), loss: 'categoricalCrossentropy' });
  return model;
}

export async function tfjsEpoch(tf: Tf, workload: Workload, data: MnistArrays, budgetSeconds: number): Promise<EpochMeasure> {
  const shape = (n: number): number[] => (workload.architecture === 'cnn' ? [n, 28, 28, 1] : [n, 784]);
  const model = tfModel(tf, workload);
  const x = tf.tensor(data.train.x, shape(data.train.count));
  const indices = tf.tensor1d(Int32Array.from(data.train.labels), 'int32');
  const y = tf.oneHot(indices, 10);
  let batches = 0;
  const started = performance.now();
  await model.fit(x, y, {
    epochs: 1,
    batchSize: workload.batchSize,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onBatchEnd() {
        batches++;
        if (performance.now() - started > budgetSeconds * 1000) model.stopTraining = true;
      },
    },
  });
  const seconds = (performance.now() - started) / 1000;
  for (const t of [x, indices, y]) t.dispose();
  const predicted = new Uint8Array(data.test.count);
  for (let start = 0; start < data.test.count; start += 1000) {
    const n = Math.min(1000, data.test.count - start);
    const chunk = tf.tensor(data.test.x.subarray(start * 784, (start + n) * 784), shape(n));
    const probabilities = model.predict(chunk);
    const classes = probabilities.argMax(-1);
    predicted.set(Array.from(classes.dataSync()), start);
    for (const t of [chunk, probabilities, classes]) t.dispose();
  }
  return { seconds, batches, totalBatches: Math.ceil(data.train.count / workload.batchSize), testAccuracy: accuracyOf(predicted, data.test.labels) };
}

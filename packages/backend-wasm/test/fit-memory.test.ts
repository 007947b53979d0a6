// Issue item 4: on 'wasm' a long fit must free each step's tensors when the step's scope closes,
// not leave them to garbage collection and spilling. Counted per step (a step budget, no timer).
import { ArrayDataset } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { setBackend, uniform } from '@keel/tensor';
import { fit } from '@keel/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmMemoryStats } from '../src/index.js';
import { gc, install } from './helpers.js';

// A small budget: tensors left resident beyond it would be spilled, which the test counts.
beforeAll(() => {
  install({ budgetBytes: 2 * 2 ** 20 });
  setBackend('wasm');
});
afterAll(() => setBackend('js'));

interface Mark {
  readonly resident: number;
  readonly spills: number;
}

/** Trains a 32-64-64-10 MLP for `epochs` × 10 steps and marks the wasm memory at each epoch's start. */
async function marks(optimizer: { id: 'sgd' | 'adam'; lr: number }, epochs: number): Promise<Mark[]> {
  const features = uniform([320, 32], -1, 1, { seed: 5 }).values as Float32Array;
  const labels = Float32Array.from({ length: 320 }, (_, i) => (i * 7) % 10);
  const model = new Sequential([new Dense({ units: 64, activation: 'relu' }), new Dense({ units: 64, activation: 'tanh' }), new Dense({ units: 10 })], { inputShape: [32], seed: 2 });
  const out: Mark[] = [];
  // garbage collected and finalized first: what stays resident is what something still holds
  const mark = async (): Promise<void> => {
    gc();
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    const stats = wasmMemoryStats();
    out.push({ resident: stats.residentTensors, spills: stats.spills });
  };
  await fit(model, new ArrayDataset(features, [32], labels), {
    loss: 'sparseSoftmaxCrossEntropy',
    optimizer,
    epochs,
    batchSize: 32,
    metrics: ['accuracy'],
    callbacks: [{ name: 'memory-marks', onEpochBegin: mark, onTrainEnd: mark }],
  });
  return out;
}

describe("a long fit on 'wasm'", () => {
  // resident tensors once the step is over: the 6 parameters, and adam's two moments per parameter
  for (const [optimizer, live] of [[{ id: 'sgd', lr: 0.05 }, 6], [{ id: 'adam', lr: 0.001 }, 18]] as const) {
    it(`keeps a flat, small number of live tensors and spills nothing in steady state (${optimizer.id}, 300 steps)`, async () => {
      const seen = await marks(optimizer, 30);
      expect(seen).toHaveLength(31);
      const steady = seen.slice(1);
      expect(steady.map((m) => m.resident), 'resident tensors at each epoch').toEqual(steady.map(() => live));
      expect(steady.at(-1)!.spills - steady[0].spills, 'spills in steady state').toBe(0);
    });
  }
});

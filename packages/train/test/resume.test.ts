import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArrayDataset, applyStandardization, standardize } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { tensor } from '@keel/tensor';
import { fit, predict } from '../src/index.js';
import { csvLogger, jsonLogger, loadModel, modelCheckpoint, saveModel } from '../src/node/index.js';
import { freshRegistry, xorData, xorModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoint and resume through files', () => {
  it('2 epochs, save, load, 1 more epoch gives exactly the weights of 3 uninterrupted epochs', async () => {
    const registry = freshRegistry();
    const options = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.02 }, batchSize: 2, seed: 6, registry } as const;
    const straight = xorModel(8, registry);
    await fit(straight, xorData(), { ...options, epochs: 3 });

    const first = xorModel(8, registry);
    const checkpoint = modelCheckpoint({ dir: join(dir, 'ckpt') });
    await fit(first, xorData(), { ...options, epochs: 2, callbacks: [checkpoint] });
    expect(checkpoint.saves).toBe(2);

    const loaded = await loadModel(join(dir, 'ckpt'), registry);
    expect(loaded.training).toMatchObject({ epoch: 2, seed: 6 });
    expect(loaded.optimizer?.id).toBe('adam');
    await fit(loaded.model, xorData(), { ...options, epochs: 3, initialEpoch: loaded.training!.epoch, optimizerState: loaded.optimizer!.state });

    const resumed = [...loaded.model.parameters().values()].map((p) => Array.from(p.values));
    expect(resumed).toEqual([...straight.parameters().values()].map((p) => Array.from(p.values)));
  });

  it("fit refuses optimizer state that is not its optimizer's state for this model, naming where it differs", async () => {
    const registry = freshRegistry();
    const options = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.02 }, batchSize: 2, seed: 6, registry } as const;
    const narrow = new Sequential([new Dense({ units: 4, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 1, registry });
    const first = await fit(narrow, xorData(), { ...options, epochs: 1 });
    // the state of a 2-4-1 model, given to a 2-8-1 model: every moment has the wrong shape
    const wide = xorModel(1, registry);
    await expect(fit(wide, xorData(), { ...options, epochs: 2, initialEpoch: 1, optimizerState: first.optimizerState })).rejects.toThrow(
      "fit: the optimizerState passed in is not adam's state for this model: state[0].mu['dense_1/kernel'] has shape [2, 4]; the model's parameter needs [2, 8]",
    );
  });

  it('csvLogger and jsonLogger write one row per epoch', async () => {
    const registry = freshRegistry();
    const csv = join(dir, 'logs', 'train.csv');
    const jsonl = join(dir, 'logs', 'train.jsonl');
    await fit(xorModel(1, registry), xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: 'adam', epochs: 3, batchSize: 4, registry, callbacks: [csvLogger(csv), jsonLogger(jsonl)] });
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0].split(',').slice(0, 3)).toEqual(['epoch', 'loss', 'accuracy']);
    expect(rows).toHaveLength(4);
    const events = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; loss: number });
    expect(events.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(events[2].loss).toBeCloseTo(Number(rows[3].split(',')[1]), 12);
  });
});

describe('preprocessing saved with the model', () => {
  it('standardisation fitted on the training split is saved, loaded and applied the same way at inference', async () => {
    const registry = freshRegistry();
    // inputs in 0..100 (seed 000): standardised before training
    const xs = Float32Array.from({ length: 40 }, (_, i) => (i * 37) % 100);
    const ys = Float32Array.from(xs, (v) => v + 1);
    const raw = new ArrayDataset(xs, [1], ys, [1]);
    const { stats, datasets } = standardize(raw);
    const regression = new Sequential([new Dense({ units: 1 })], { inputShape: [1], registry });
    await fit(regression, datasets[0], { loss: 'meanSquaredError', optimizer: { id: 'sgd', lr: 0.5 }, epochs: 200, batchSize: 40, registry, metrics: [] });
    await saveModel(regression, join(dir, 'regression'), { preprocessing: stats });
    const loaded = await loadModel(join(dir, 'regression'), registry);
    const fresh = applyStandardization(new ArrayDataset(Float32Array.of(10, 50), [1], Float32Array.of(0, 0), [1]), loaded.preprocessing as unknown as typeof stats);
    const out = predict(loaded.model, tensor(Array.from(fresh.features), [2, 1])).toArray() as number[][];
    expect(out[0][0]).toBeCloseTo(11, 0);
    expect(out[1][0]).toBeCloseTo(51, 0);
  });
});

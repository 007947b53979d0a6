import { ArrayDataset } from '@keel/data';
import { Dense, Sequential, type Module } from '@keel/layers';
import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { earlyStopping, evaluate, fit, NumericsError, predict, progress, reduceLROnPlateau, terminateOnNaN } from '../src/index.js';
import { freshRegistry, xorData, xorModel } from './helpers.js';

describe('fit on XOR', () => {
  it('reaches 100% accuracy for 20 out of 20 seeds within 2,000 steps (2-8-1, tanh, logits + BCE)', async () => {
    const registry = freshRegistry();
    const data = xorData();
    let solved = 0;
    for (let seed = 0; seed < 20; seed++) {
      const model = xorModel(seed, registry);
      await fit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.05 }, epochs: 2000, batchSize: 4, seed, registry });
      const { accuracy } = evaluate(model, data, { loss: 'binaryCrossEntropyWithLogits', registry });
      if (accuracy === 1) solved++;
    }
    expect(solved).toBe(20);
  });

  it('solves XOR with a ReLU hidden layer for most seeds (2-8-1 ReLU nets can lose their units: see the doctor)', async () => {
    const registry = freshRegistry();
    let solved = 0;
    let model = xorModel(0, registry, 'relu');
    for (let seed = 0; seed < 20; seed++) {
      const candidate = xorModel(seed, registry, 'relu');
      await fit(candidate, xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.05 }, epochs: 1000, batchSize: 4, seed, registry });
      if (evaluate(candidate, xorData(), { loss: 'binaryCrossEntropyWithLogits', registry }).accuracy === 1) {
        solved++;
        model = candidate;
      }
    }
    // Measured: 16 of 20 seeds; the rest end with every hidden unit dead on some input.
    expect(solved).toBeGreaterThanOrEqual(15);
    const logits = predict(model, tensor([[0, 0], [0, 1], [1, 0], [1, 1]])).toArray() as number[][];
    expect(logits.map(([v]) => v > 0)).toEqual([false, true, true, false]);
  });

  it('is deterministic: the same seeds give the same weights, bit for bit', async () => {
    const run = async () => {
      const registry = freshRegistry();
      const model = xorModel(3, registry);
      await fit(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: 'adam', epochs: 50, batchSize: 2, seed: 9, registry });
      return [...model.parameters().values()].map((p) => Array.from(p.values));
    };
    expect(await run()).toEqual(await run());
  });

  it('resumes exactly: 2 epochs, then 1 more from the returned optimizer state, equals 3 epochs', async () => {
    const registry = freshRegistry();
    // a schedule, so a resumed run must also continue the step count
    const options = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: (step: number) => 0.01 / (1 + step) }, batchSize: 2, seed: 4, registry } as const;
    const straight = xorModel(5, registry);
    await fit(straight, xorData(), { ...options, epochs: 3 });
    const resumed = xorModel(5, registry);
    const first = await fit(resumed, xorData(), { ...options, epochs: 2 });
    await fit(resumed, xorData(), { ...options, epochs: 3, initialEpoch: 2, optimizerState: first.optimizerState });
    expect([...resumed.parameters().values()].map((p) => Array.from(p.values))).toEqual([...straight.parameters().values()].map((p) => Array.from(p.values)));
  });
});

describe('the numerics guard', () => {
  it('stops at the first non-finite gradient, naming the step, the layer and the parameter', async () => {
    const registry = freshRegistry();
    // Raw inputs in the thousands and a huge learning rate: the classic explosion.
    const x = Float32Array.from({ length: 64 }, (_, i) => (i * 997) % 5000);
    const y = Float32Array.from({ length: 32 }, (_, i) => (x[2 * i] % 7) * 1000);
    const model = new Sequential([new Dense({ units: 16, activation: 'relu' }), new Dense({ units: 1 })], { inputShape: [2], registry });
    const run = fit(model, new ArrayDataset(x, [2], y, [1]), { loss: 'meanSquaredError', optimizer: { id: 'sgd', lr: 10 }, epochs: 50, batchSize: 8, registry });
    await expect(run).rejects.toBeInstanceOf(NumericsError);
    const error = (await run.catch((e: unknown) => e)) as NumericsError;
    expect(error.message).toMatch(/^step \d+ \(epoch \d+, batch \d+\): /);
    expect(error.message).toMatch(/the (loss is (NaN|Infinity|-Infinity)|gradient of dense_\d\/(kernel|bias) \(layer dense_\d\))/);
    expect(error.message).toContain('learning rate too high');
  });

  it('terminateOnNaN stops quietly instead when the guard is off', async () => {
    const registry = freshRegistry();
    const x = Float32Array.from({ length: 64 }, (_, i) => (i * 997) % 5000);
    const y = Float32Array.from({ length: 32 }, (_, i) => i * 1000);
    const model = new Sequential([new Dense({ units: 16, activation: 'relu' }), new Dense({ units: 1 })], { inputShape: [2], registry });
    const stopper = terminateOnNaN();
    const { history } = await fit(model, new ArrayDataset(x, [2], y, [1]), { loss: 'meanSquaredError', optimizer: { id: 'sgd', lr: 10 }, epochs: 50, batchSize: 8, registry, guard: false, callbacks: [stopper] });
    expect(stopper.stoppedAtStep).toBeDefined();
    expect(history.epochs.length).toBeLessThan(50);
  });
});

describe('callbacks', () => {
  it('earlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const registry = freshRegistry();
    const model = xorModel(2, registry);
    const stopper = earlyStopping({ monitor: 'loss', patience: 2, restoreBestWeights: true });
    // lr so large the loss bounces: improvement stops quickly
    const { history } = await fit(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 30 }, epochs: 40, batchSize: 4, registry, callbacks: [stopper] });
    expect(stopper.stoppedEpoch).toBeDefined();
    expect(history.epochs.length).toBe(stopper.stoppedEpoch! + 1);
    const best = Math.min(...history.series('loss'));
    const { loss } = evaluate(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', registry });
    // the restored weights are those after the best epoch; its loss was logged during that epoch's updates,
    // so compare with the loss the best weights give now, which must beat the last epoch's
    expect(loss).toBeLessThanOrEqual(history.last!.loss + 1e-6);
    expect(best).toBeLessThanOrEqual(history.last!.loss);
  });

  it('reduceLROnPlateau lowers the learning rate when the loss stalls', async () => {
    const registry = freshRegistry();
    const model = xorModel(2, registry);
    const reducer = reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5 });
    const { history } = await fit(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 30 }, epochs: 20, batchSize: 4, registry, callbacks: [reducer] });
    expect(reducer.reductions).toBeGreaterThan(0);
    // Each epoch logs the rate it trained with: 30 halved by the reductions made before it.
    const lrs = history.series('lr');
    for (let i = 1; i < lrs.length; i++) expect(lrs[i] === lrs[i - 1] || lrs[i] === lrs[i - 1] / 2).toBe(true);
    expect(Math.log2(30 / lrs[lrs.length - 1])).toBeGreaterThanOrEqual(reducer.reductions - 1);
  });

  it('progress prints plain lines (no control characters) off a terminal, and JSON events with json', async () => {
    const registry = freshRegistry();
    const lines: string[] = [];
    const sink = { write: (s: string) => lines.push(s), isTTY: false };
    await fit(xorModel(1, registry), xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: 'adam', epochs: 2, batchSize: 2, registry, callbacks: [progress({ sink })] });
    expect(lines).toHaveLength(2);
    // no control characters but the newline ending each line
    expect([...lines.join('')].filter((c) => c !== '\n' && c.charCodeAt(0) < 32)).toEqual([]);
    expect(lines[0]).toMatch(/^epoch 1\/2 .* samples\/s .*loss \d\.\d{4}/);
    const events: string[] = [];
    await fit(xorModel(1, registry), xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: 'adam', epochs: 1, batchSize: 2, registry, callbacks: [progress({ sink: { write: (s) => events.push(s) }, json: true })] });
    const parsed = events.map((e) => JSON.parse(e) as { event: string });
    expect(parsed.map((e) => e.event)).toEqual(['epochBegin', 'epochEnd']);
  });
});

describe('parameters the loss does not reach', () => {
  it('stay where they are (a missing gradient counts as zero, not the parameter itself)', async () => {
    const registry = freshRegistry();
    const inner = xorModel(1, registry).build();
    const unused = tensor([1, 2]).requireGrad();
    // any module with parameters trains; this one owns a parameter its output never uses
    const module: Module = {
      apply: (x) => inner.apply(x),
      parameters: () => new Map([...inner.parameters(), ['extra/unused', unused]]),
      buffers: () => inner.buffers(),
      train: () => inner.train(),
      eval: () => inner.eval(),
    };
    await fit(module, xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 0.1 }, epochs: 5, batchSize: 4, registry, metrics: [] });
    expect(Array.from(unused.values)).toEqual([1, 2]);
  });
});

describe('aborting', () => {
  it('stops at the signal without recording the unfinished epoch', async () => {
    const registry = freshRegistry();
    const controller = new AbortController();
    const stopAfterFive = { name: 'stopper', onBatchEnd: (batch: number) => { if (batch === 4) controller.abort(); } };
    const data = new ArrayDataset(Float32Array.from({ length: 200 }, (_, i) => i % 2), [2], Float32Array.from({ length: 100 }, (_, i) => i % 2), [1]);
    const { history, steps } = await fit(xorModel(1, registry), data, { loss: 'binaryCrossEntropyWithLogits', optimizer: 'adam', epochs: 3, batchSize: 10, registry, callbacks: [stopAfterFive], signal: controller.signal });
    expect(steps).toBe(5);
    expect(history.epochs).toHaveLength(0);
  });
});

// The array pool behind 'native' outputs: what scopes free is reused, nothing else ever is.
import { ArrayDataset } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import * as T from '@keel/tensor';
import { openAllocationScope, Tensor, tidy } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ArrayPool } from '../src/array-pool.js';
import { nativeBackend } from '../src/index.js';
import { fit } from '@keel/train';
import { install, skipReason, titled } from './helpers.js';

beforeAll(() => install());
afterEach(() => T.setBackend('js'));

describe('ArrayPool', () => {
  it('reuses what it is given back, by length, and never an array it did not make', () => {
    const pool = new ArrayPool(1 << 20);
    const a = pool.take(10);
    pool.give(a);
    expect(pool.stats()).toMatchObject({ arrays: 1, bytes: 40 });
    expect(pool.take(12)).not.toBe(a);
    expect(pool.take(10)).toBe(a);
    const foreign = new Float32Array(10);
    pool.give(foreign);
    expect(pool.owns(foreign)).toBe(false);
    expect(pool.take(10)).not.toBe(foreign);
    expect(pool.stats()).toMatchObject({ reused: 1, allocated: 3 });
  });

  it('leaves arrays to the garbage collector beyond its limit, and all of them after clear()', () => {
    const pool = new ArrayPool(100);
    const [a, b] = [pool.take(20), pool.take(20)];
    pool.give(a);
    pool.give(b); // 80 + 80 bytes > 100: b is not kept
    expect(pool.stats()).toMatchObject({ arrays: 1, bytes: 80 });
    pool.clear();
    expect(pool.stats()).toMatchObject({ arrays: 0, bytes: 0 });
  });
});

describe.skipIf(skipReason !== undefined)(titled("'native' storage in allocation scopes"), () => {
  it("a scope's intermediates go back to the pool and the next ones reuse them; kept tensors stay intact", () => {
    T.setBackend('native');
    const pool = nativeBackend().pool;
    const x = T.uniform([64, 32], -1, 1, { seed: 1 });
    const step = (): Tensor => tidy(() => T.sum(T.relu(T.mul(T.add(x, 1), 2))));
    const run = (): number => {
      const kept = step();
      const value = kept.item();
      kept.dispose(); // the kept result too: then the next step has every array it needs waiting
      return value;
    };
    const first = run();
    const before = pool.stats();
    for (let i = 0; i < 20; i++) expect(run()).toBe(first);
    const after = pool.stats();
    expect(after.allocated - before.allocated, 'a steady step allocates nothing new').toBe(0);
    expect(after.reused - before.reused).toBeGreaterThanOrEqual(20 * 3);
  });

  it('a disposed tensor says its values are gone instead of showing another tensor’s; disposing twice is harmless', () => {
    T.setBackend('native');
    const scope = openAllocationScope();
    const gone = T.add(T.ones([5]), 1);
    scope.close();
    expect(() => gone.values).toThrow(/disposed.*values are gone/);
    gone.dispose();
    const fresh = T.add(T.ones([5]), 2);
    expect(Array.from(fresh.values)).toEqual([3, 3, 3, 3, 3]);
  });

  it("an array read from a tensor and wrapped again is copied, so one pooled array never backs two storages", () => {
    T.setBackend('native');
    const scope = openAllocationScope();
    const original = T.add(T.ones([4]), 1);
    const wrapped = Tensor.fromValues(original.values, [4], 'float32');
    expect(wrapped.values).not.toBe(original.values);
    scope.close(wrapped);
    T.add(T.ones([4]), 40); // takes original's array from the pool
    expect(Array.from(wrapped.values)).toEqual([2, 2, 2, 2]);
    // a user's own array is kept as it is (no copy)
    const mine = new Float32Array([1, 2]);
    expect(Tensor.fromValues(mine, [2], 'float32').values).toBe(mine);
  });

  it('fit-shaped steps (forward, backward, optimizer, step scope) allocate nothing new after the first', () => {
    T.setBackend('native');
    const pool = nativeBackend().pool;
    const model = new Sequential([new Dense({ units: 16, activation: 'relu' }), new Dense({ units: 3 })], { inputShape: [8], seed: 2 });
    const x = T.uniform([32, 8], -1, 1, { seed: 3 });
    tidy(() => model.apply(x)); // builds the model in a scope: its parameters must outlive it
    const params = [...model.parameters().values()];
    expect(params.length).toBe(4);
    const labels = T.floor(T.uniform([32], 0, 3, { seed: 4 }));
    const losses: number[] = [];
    let allocatedAfterFirst = 0;
    for (let step = 0; step < 10; step++) {
      const scope = openAllocationScope();
      const loss = T.mean(T.sparseSoftmaxCrossEntropyWithLogits(model.apply(x), labels));
      loss.backward();
      T.noGrad(() => {
        for (const p of params) p.assign(T.axpby(p, p.grad!, 1, -0.5));
      });
      losses.push(loss.item());
      scope.close();
      for (const p of params) p.zeroGrad();
      if (step === 1) allocatedAfterFirst = pool.stats().allocated;
    }
    // assign shares the new values with the parameter and gives its previous storage back: nothing new either
    expect(pool.stats().allocated - allocatedAfterFirst).toBe(0);
    expect(losses[9]).toBeLessThan(losses[0]);
  });

  it("fit's steady steps allocate nothing: batches, intermediates and parameters' old values are reused", async () => {
    T.setBackend('native');
    const pool = nativeBackend().pool;
    const features = T.uniform([96, 8], -1, 1, { seed: 5 }).values as Float32Array;
    const labels = Float32Array.from({ length: 96 }, (_, i) => i % 3);
    const model = new Sequential([new Dense({ units: 16, activation: 'relu' }), new Dense({ units: 3 })], { inputShape: [8], seed: 2 });
    const marks: number[] = [];
    const mark = (): void => void marks.push(pool.stats().allocated);
    await fit(model, new ArrayDataset(features, [8], labels), {
      loss: 'sparseSoftmaxCrossEntropy',
      optimizer: { id: 'sgd', lr: 0.1 },
      epochs: 3,
      batchSize: 32,
      metrics: [],
      callbacks: [{ name: 'pool-marks', onEpochBegin: mark, onTrainEnd: mark }],
    });
    // epochs 2 and 3 (3 steps each) allocate nothing: batches and intermediates come back to the
    // pool when the step ends, and each parameter's previous values as its new ones move in
    expect(marks[2] - marks[1]).toBe(0);
    expect(marks[3] - marks[2]).toBe(0);
  });
});

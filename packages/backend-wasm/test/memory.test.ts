import * as T from '@keel/tensor';
import { noGrad, setBackend, type Tensor } from '@keel/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmMemoryStats } from '../src/index.js';
import { gc, install } from './helpers.js';

// A small budget, so the thousands of steps below run far past it.
const budgetBytes = 4 * 2 ** 20;

beforeAll(() => {
  install({ budgetBytes });
  setBackend('wasm');
});
afterAll(() => setBackend('js'));

/** A 32-64-10 ReLU MLP with softmax cross-entropy on a fixed random batch, trained by hand. */
function trainer(seed: number) {
  const x = T.normal([32, 32], 0, 1, { seed });
  const labels = T.oneHot(T.tensor(Array.from({ length: 32 }, (_, i) => (i * 7) % 10)), 10);
  const params: Tensor[] = [
    T.mul(T.normal([32, 64], 0, 1, { seed: seed + 1 }), 0.25).requireGrad(),
    T.zeros([64]).requireGrad(),
    T.mul(T.normal([64, 10], 0, 1, { seed: seed + 2 }), 0.17).requireGrad(),
    T.zeros([10]).requireGrad(),
  ];
  const [w1, b1, w2, b2] = params;
  return (lr: number): number => {
    const logits = T.add(T.matmul(T.relu(T.add(T.matmul(x, w1), b1)), w2), b2);
    const loss = T.mean(T.neg(T.sum(T.mul(labels, T.logSoftmax(logits)), { axis: -1 })));
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        p.assign(T.sub(p, T.mul(p.grad as Tensor, lr)));
        p.zeroGrad();
      }
    });
    return loss.item();
  };
}

describe('memory of the wasm backend', () => {
  it('stays flat over 4,000 synchronous training steps (spilling past the budget, no garbage collection needed)', () => {
    const step = trainer(1);
    let loss = 0;
    for (let i = 0; i < 400; i++) loss = step(0.1);
    gc();
    const warm = { stats: wasmMemoryStats(), heap: process.memoryUsage().heapUsed };
    for (let i = 400; i < 4000; i++) loss = step(0.1);
    gc();
    const end = { stats: wasmMemoryStats(), heap: process.memoryUsage().heapUsed };
    // linear memory: bounded by the budget (plus the matmul scratch), and not growing any more
    expect(end.stats.memoryBytes).toBe(warm.stats.memoryBytes);
    expect(end.stats.heapBytes).toBeLessThanOrEqual(budgetBytes + 64 * 1024);
    // in a synchronous loop the FinalizationRegistry cannot run: blocks were reclaimed by spilling
    expect(end.stats.spills).toBeGreaterThan(warm.stats.spills);
    // and what was spilled to JavaScript arrays was garbage-collected like any array
    const grown = end.heap - warm.heap;
    expect(grown, `JS heap grew by ${(grown / 1e6).toFixed(2)} MB`).toBeLessThan(3e6);
    expect(loss).toBeLessThan(0.05);
  });

  it('frees blocks of garbage-collected tensors when the loop yields (FinalizationRegistry), without spilling', async () => {
    const step = trainer(2);
    const rounds = async (count: number): Promise<void> => {
      for (let round = 0; round < count; round++) {
        for (let i = 0; i < 25; i++) step(0.1);
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    // the first rounds also flush what the synchronous test above left resident (untracked, so spilled)
    await rounds(40);
    const before = wasmMemoryStats();
    await rounds(40);
    const after = wasmMemoryStats();
    const finalized = after.finalized - before.finalized;
    expect(finalized).toBeGreaterThan(10_000);
    expect(after.spills - before.spills).toBeLessThan(finalized / 100);
    expect(after.untracked).toBe(before.untracked);
    expect(after.memoryBytes).toBe(before.memoryBytes);
  });

  it('dispose() frees a block at once; a disposed tensor cannot be read or used', () => {
    const t = T.relu(T.normal([1000], 0, 1, { seed: 3 }));
    const before = wasmMemoryStats();
    t.dispose();
    t.dispose(); // twice is harmless
    const after = wasmMemoryStats();
    expect(after.disposed).toBe(before.disposed + 1);
    expect(after.residentTensors).toBe(before.residentTensors - 1);
    expect(() => t.values).toThrow(/disposed/);
    expect(() => T.relu(t)).toThrow(/dispose/);
  });

  it('uploads lazily: a new tensor moves into linear memory when a kernel first reads it', () => {
    const before = wasmMemoryStats();
    const t = T.tensor([1, -2, 3]);
    expect(wasmMemoryStats().uploads).toBe(before.uploads);
    expect([...T.relu(t).values]).toEqual([1, 0, 3]);
    expect(wasmMemoryStats().uploads).toBe(before.uploads + 1);
    expect([...t.values]).toEqual([1, -2, 3]);
  });
});

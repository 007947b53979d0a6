import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { noGrad, tensor, type Tensor } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  if (gc === undefined) throw new Error('run node with --expose-gc (the vitest config of @keel/tensor sets it)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** A 2-8-1 tanh/sigmoid net on XOR, trained by hand with ops, backward() and assign under noGrad. */
function xorTrainer(seed: number) {
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const params: Tensor[] = [
    T.normal([2, 8], 0, 1, { seed }).requireGrad(),
    T.zeros([8]).requireGrad(),
    T.normal([8, 1], 0, 0.5, { seed: seed + 1 }).requireGrad(),
    T.zeros([1]).requireGrad(),
  ];
  const [w1, b1, w2, b2] = params;
  const forward = (): Tensor => {
    const hidden = T.tanh(T.add(T.matmul(x, w1), b1));
    const out = T.sigmoid(T.add(T.matmul(hidden, w2), b2));
    return T.mean(T.square(T.sub(out, y)));
  };
  const step = (learningRate: number, retain?: Tensor[]): number => {
    const loss = forward();
    loss.backward(undefined, { retainGraph: retain !== undefined });
    noGrad(() => {
      for (const p of params) {
        p.assign(T.sub(p, T.mul(p.grad as Tensor, learningRate)));
        p.zeroGrad();
      }
    });
    retain?.push(loss);
    return loss.item();
  };
  return { step, predict: () => noGrad(() => T.sigmoid(T.add(T.matmul(T.tanh(T.add(T.matmul(x, w1), b1)), w2), b2))) };
}

describe('memory', () => {
  it('10,000 training steps keep the heap flat (and learn XOR)', () => {
    const trainer = xorTrainer(3);
    let loss = 0;
    for (let i = 0; i < 500; i++) loss = trainer.step(1);
    const warm = heapAfterGc();
    for (let i = 500; i < 10_000; i++) loss = trainer.step(1);
    const end = heapAfterGc();
    const grown = end - warm;
    expect(grown, `heap grew by ${(grown / 1e6).toFixed(2)} MB`).toBeLessThan(3e6);
    expect(loss).toBeLessThan(0.01);
    const predictions = [...trainer.predict().values].map((p) => Math.round(p));
    expect(predictions).toEqual([0, 1, 1, 0]);
  });

  it('the measurement is sensitive: keeping every graph alive shows up', () => {
    const trainer = xorTrainer(4);
    for (let i = 0; i < 50; i++) trainer.step(1);
    const kept: Tensor[] = [];
    const before = heapAfterGc();
    for (let i = 0; i < 2000; i++) trainer.step(1, kept);
    const after = heapAfterGc();
    expect(kept.length).toBe(2000);
    // each retained step holds its whole graph: tens of tensors and their closures
    expect(after - before).toBeGreaterThan(3e6);
  });
});

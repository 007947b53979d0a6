import * as T from '@keel/tensor';
import { setBackend, type Tensor } from '@keel/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNativeThreads, nativeBackend, setNativeThreads } from '../src/index.js';
import { close, identical, install, on, skipReason, titled } from './helpers.js';

const initial = getNativeThreads();
beforeAll(() => install());
afterAll(() => {
  setNativeThreads(initial);
  setBackend('js');
});

/** Ops large enough for the addon's loops to split across threads (≥ 64K elements per thread). */
function work(): Tensor[] {
  const x = T.uniform([512, 600], -3, 3, { seed: 5 });
  const bias = T.uniform([600], -1, 1, { seed: 6 });
  return [
    T.tanh(x),
    T.affine(x, 0.3, -0.1),
    T.maximum(T.add(x, bias), 0),
    T.sum(x, { axis: 0 }),
    T.sum(x, { axis: 1 }),
    T.max(x, { axis: [0, 1] }),
    T.softmax(x, 1),
    T.logSoftmax(x, 0),
    T.transpose(x),
    // the fused kernels: elementwise ones split by elements (mid-row), the cross-entropy ones by rows
    T.engine.run('biasActivation', [x, bias], { activation: 'relu' }),
    T.engine.run('biasActivation', [x, bias], { activation: 'tanh' }),
    T.engine.run('activationGrad', [T.sigmoid(x), x], { activation: 'sigmoid' }),
    T.engine.run('sparseSoftmaxCrossEntropyGrad', [x, T.floor(T.uniform([512], 0, 600, { seed: 7 })), T.uniform([512], -1, 1, { seed: 8 })]),
    T.engine.run('softmaxCrossEntropy', [x, T.softmax(T.uniform([512, 600], -2, 2, { seed: 9 }))]),
    T.matmul(x, x, { transposeA: true }),
  ];
}

describe('thread settings', () => {
  it('reject counts that are not whole numbers from 1 to 1024', () => {
    for (const bad of [0, -1, 1.5, NaN, 2000]) expect(() => setNativeThreads(bad)).toThrow(/setNativeThreads: threads must be a whole number from 1 to 1024/);
    expect(getNativeThreads()).toBe(initial);
  });
});

describe.skipIf(skipReason !== undefined)(titled('threads'), () => {
  it('default to one per core, and apply to the addon', () => {
    nativeBackend();
    expect(initial).toBeGreaterThanOrEqual(1);
    setNativeThreads(3);
    expect(nativeBackend().addon.getThreads()).toBe(3);
    setNativeThreads(initial);
    expect(nativeBackend().addon.getThreads()).toBe(initial);
  });

  it("the addon's own loops give the same bits at 1, 2 and 4 threads, across many resizes", () => {
    setNativeThreads(1);
    const serial = on('native', work);
    for (let round = 0; round < 5; round++) {
      for (const threads of [2, 4, 3]) {
        setNativeThreads(threads);
        const parallel = on('native', work);
        // matmul (the last) is the BLAS's business: deterministic at 1 thread only, checked elsewhere
        parallel.slice(0, -1).forEach((t, i) => expect(identical(t.values, serial[i].values), `op ${i} at ${threads} threads`).toBe(true));
      }
    }
  });

  it('results are right at several threads (not only consistent): against js', () => {
    setNativeThreads(4);
    const actual = on('native', work);
    const expected = on('js', work);
    actual.slice(0, -1).forEach((t, i) => expect(identical(t.values, expected[i].values), `op ${i}`).toBe(true));
  });

  it('split matrix products (rows or columns per thread) are right, and repeatable at a given thread count', () => {
    // each above the size that stays on one thread: [m, k] x [k, n], split along the longer of m and n
    const products = (): Tensor[] => {
      const a = T.uniform([300, 700], -1, 1, { seed: 11 });
      const b = T.uniform([700, 90], -1, 1, { seed: 12 });
      const c = T.uniform([90, 700], -1, 1, { seed: 13 });
      return [
        T.matmul(a, b), // by rows (300 > 90)
        T.matmul(c, a, { transposeB: true }), // by columns: [90, 700] x [700, 300]
        T.matmul(a, T.uniform([300, 90], -1, 1, { seed: 14 }), { transposeA: true }), // [700, 300] x [300, 90], by rows of Aᵀ
        T.matmul(c, T.uniform([90, 300], -1, 1, { seed: 15 }), { transposeA: true, transposeB: false }), // [700, 90] x [90, 300]
      ];
    };
    const reference = on('js', products);
    for (const threads of [1, 2, 3]) {
      setNativeThreads(threads);
      const split = on('native', products);
      const again = on('native', products);
      split.forEach((t, i) => {
        // the BLAS's edge blocks may round differently from one slab width to another: the same bits
        // are promised per thread count, not across them
        expect(identical(t.values, again[i].values), `product ${i} twice at ${threads} threads`).toBe(true);
        const { ok, error } = close(t, reference[i], 1e-4, 1e-5);
        expect(ok, `product ${i} against js: ${error}`).toBe(true);
      });
    }
  });

  it('many jobs back to back, while workers poll and after they sleep, each give the serial bits', () => {
    // Workers claim chunks from a shared counter and poll between jobs for a while: a job whose
    // fields were read from the wrong generation, or a chunk run twice or never, shows up here.
    const x = T.uniform([300, 900], -3, 3, { seed: 21 });
    const sizes = [70_000, 140_000, 270_000]; // 1, 2 and 4 chunks' worth at 2–4 threads
    const flat = T.reshape(x, [270_000]);
    const views = sizes.map((n) => T.slice(flat, [0], [n]));
    setNativeThreads(1);
    // a chain: each job reads the previous one's output at once, so a job that returned before all
    // of its chunks were written shows too
    const chain = (v: Tensor): Tensor => T.affine(T.sqrt(T.affine(v, 1.5, 5)), -0.5, 0.25);
    const serial = on('native', () => views.map(chain));
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (const threads of [2, 4]) {
      setNativeThreads(threads);
      for (let job = 0; job < 600; job++) {
        const i = job % sizes.length;
        const result = on('native', () => [chain(views[i])]);
        expect(identical(result[0].values, serial[i].values), `job ${job} at ${threads} threads`).toBe(true);
        if (job % 100 === 99) Atomics.wait(pause, 0, 0, 2); // long enough for the workers to go to sleep
      }
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultRegistry } from '@keel/registry';
import * as T from '@keel/tensor';
import { engine, setBackend, type Tensor } from '@keel/tensor';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { gemmChunks, MIN_SPLIT_MACS } from '../src/parallel-gemm.js';
import { configureWasmBackend, disposeWasmThreads, installWasmBackend, setWasmThreads, wasmBackend, wasmReady, wasmThreads, wasmThreadsUnavailableReason } from '../src/index.js';
import { on } from './helpers.js';

beforeAll(async () => {
  installWasmBackend(defaultRegistry, { threads: 3 });
  await wasmReady();
});
afterEach(() => setBackend('js'));
afterAll(() => setWasmThreads(1));

/** The first index where two arrays differ in bits (NaN equal to NaN), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Runs `fn` on 'wasm' with `threads` threads (started), returning its result and how many calls were split. */
async function withThreads<R>(threads: number, fn: () => R): Promise<{ result: R; split: number }> {
  setWasmThreads(threads);
  await wasmReady();
  expect(wasmThreads().active).toBe(threads);
  const before = wasmThreads().parallelCalls;
  const result = on('wasm', fn);
  return { result, split: wasmThreads().parallelCalls - before };
}

describe('threads: setting them', () => {
  it('the install option asks for them; wasmReady() waits until they run', () => {
    expect(wasmThreads()).toMatchObject({ requested: 3, active: 3, reason: undefined });
  });

  it('setWasmThreads starts and stops workers; installWasmBackend passes threads on after creation', async () => {
    setWasmThreads(1);
    expect(wasmThreads()).toMatchObject({ requested: 1, active: 1, reason: undefined });
    installWasmBackend(defaultRegistry, { threads: 2 });
    expect(wasmThreads().requested).toBe(2);
    await wasmReady();
    expect(wasmThreads()).toMatchObject({ requested: 2, active: 2, reason: undefined });
  });

  it('lowering the count parks workers (raising it again is instant); disposeWasmThreads terminates them', async () => {
    setWasmThreads(3);
    await wasmReady();
    setWasmThreads(1);
    expect(wasmThreads()).toMatchObject({ requested: 1, active: 1 });
    setWasmThreads(3);
    expect(wasmThreads()).toMatchObject({ requested: 3, active: 3 }); // no restart needed
    disposeWasmThreads();
    expect(wasmThreads()).toMatchObject({ requested: 1, active: 1 });
    setWasmThreads(2); // a new worker
    await wasmReady();
    expect(wasmThreads()).toMatchObject({ requested: 2, active: 2, reason: undefined });
  });

  it('rejects thread counts that are not whole numbers from 1 to 64, saying so', () => {
    for (const bad of [0, -1, 1.5, 65, Number.NaN]) {
      expect(() => setWasmThreads(bad)).toThrow(/threads must be a whole number from 1 to 64/);
    }
    expect(() => configureWasmBackend({ threads: 0 })).toThrow(/threads must be a whole number/);
  });

  it('splits only products large enough to pay for waking a worker', () => {
    expect(gemmChunks(64, 10, 128, 2)).toBe(1); // the MLP's output layer
    expect(gemmChunks(512, 512, 512, 1)).toBe(1); // one thread
    expect(gemmChunks(64, 128, 784, 2)).toBeGreaterThanOrEqual(2); // its hidden layer
    expect(gemmChunks(1, 4096, 1024, 4)).toBeGreaterThanOrEqual(4);
    expect(gemmChunks(3, 3, MIN_SPLIT_MACS, 8)).toBe(1); // one micro-tile cannot be split
  });
});

describe('threads: where they cannot run', () => {
  it('explains a missing SharedArrayBuffer, and a page that is not cross-origin isolated', () => {
    expect(wasmThreadsUnavailableReason()).toBeUndefined();
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      expect(wasmThreadsUnavailableReason()).toMatch(/SharedArrayBuffer and Atomics are not available/);
    } finally {
      vi.unstubAllGlobals();
    }
    vi.stubGlobal('crossOriginIsolated', false);
    try {
      expect(wasmThreadsUnavailableReason()).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('threaded matmul gives the bits of the single-threaded one', () => {
  // odd sizes, one row or column, sizes no thread count divides, each large enough to be split
  const shapes: [number, number, number][] = [
    [1, 2048, 1031], [1031, 2048, 1], [257, 301, 131], [130, 777, 67], [5, 999, 1001], [333, 129, 250], [64, 784, 128], [61, 517, 89],
  ];
  const variants = [[false, false], [true, false], [false, true], [true, true]] as const;

  function products(): number[][] {
    const out: number[][] = [];
    for (const [m, k, n] of shapes) {
      for (const [transposeA, transposeB] of variants) {
        const a = T.uniform(transposeA ? [k, m] : [m, k], -1, 1, { seed: m + k });
        const b = T.uniform(transposeB ? [n, k] : [k, n], -1, 1, { seed: k + n });
        out.push([...T.matmul(a, b, { transposeA, transposeB }).values]);
      }
    }
    return out;
  }

  it('with 2 and 3 threads, every transpose variant, exactly', async () => {
    const single = await withThreads(1, products);
    expect(single.split).toBe(0);
    for (const threads of [2, 3]) {
      const threaded = await withThreads(threads, products);
      expect(threaded.split, `${threads} threads: every product was split`).toBe(shapes.length * variants.length);
      threaded.result.forEach((values, i) => expect(values, `product ${i} on ${threads} threads`).toEqual(single.result[i]));
    }
  });

  it('batched products, with broadcast batch dims', async () => {
    const run = (): number[] => [...T.matmul(T.uniform([3, 1, 67, 301], -1, 1, { seed: 1 }), T.uniform([2, 301, 129], -1, 1, { seed: 2 })).values];
    const single = await withThreads(1, run);
    const threaded = await withThreads(2, run);
    expect(threaded.split).toBe(6);
    expect(threaded.result).toEqual(single.result);
  });

  it('large elementwise, broadcast and window kernels (and their gradients) too, each split', async () => {
    const x = (): Tensor => T.uniform([300, 517], -2, 2, { seed: 3 });
    const flat = (): Tensor => T.uniform([70001], -1, 1, { seed: 6 });
    const image = (): Tensor => T.normal([70, 32, 32, 4], 0, 1, { seed: 7 });
    const gradient = (f: (t: Tensor) => Tensor) => (): Tensor => {
      const input = image().requireGrad();
      T.sum(T.square(f(input))).backward();
      return input.grad as Tensor;
    };
    // each op, and the job it must split: [kind] or [window kind, which] (assembly/parallel.ts)
    const ops: [string, () => Tensor, number[]][] = [
      ['exp', () => T.exp(x()), [2]],
      ['affine', () => T.affine(x(), 0.3, -1), [3]],
      ['add a row', () => T.add(x(), T.uniform([517], 0.5, 2, { seed: 4 })), [4]],
      ['divide a column', () => T.div(T.uniform([300, 1], 0.5, 2, { seed: 5 }), x()), [4]],
      ['maximum, one long row', () => T.maximum(flat(), T.neg(flat())), [4]],
      ['broadcastTo', () => T.broadcastTo(T.uniform([517], 0, 1, { seed: 8 }), [300, 517]), [4]],
      ['biasActivation sigmoid', () => engine.run('biasActivation', [x(), T.uniform([517], -1, 1, { seed: 4 })], { activation: 'sigmoid' }), [6]],
      ['biasActivation relu, one long row', () => engine.run('biasActivation', [flat()], { activation: 'relu' }), [6]],
      ['activationGrad tanh', () => engine.run('activationGrad', [T.tanh(x()), x()], { activation: 'tanh' }), [7]],
      ['axpby', () => T.axpby(x(), T.uniform([300, 517], -1, 1, { seed: 9 }), 0.9, -0.1), [8]],
      ['axpby a = 1 (float32 path), an odd length', () => T.axpby(flat(), T.neg(flat()), 1, -0.05), [8]],
      ['im2col', () => T.im2col(image(), T.windowGeometry('conv2d', [70, 32, 32, 4], [3, 3], { padding: 'same' }, [1, 1])), [5, 0]],
      ['col2im', gradient((t) => T.im2col(t, T.windowGeometry('conv2d', t.shape, [3, 3], { strides: 2, padding: 'same' }, [1, 1]))), [5, 1]],
      ['maxPool', () => T.maxPool2d(image(), 2), [5, 2]],
      ['avgPool', () => T.avgPool2d(image(), 3, { strides: 1, padding: 'same' }), [5, 3]],
      ['maxPoolGrad', gradient((t) => T.maxPool2d(t, 2)), [5, 4]],
      ['avgPoolGrad', gradient((t) => T.avgPool2d(t, 3, { strides: 1, padding: 'same' })), [5, 5]],
    ];
    // record the kind of every job the pool runs (an own property shadowing the method, deleted after)
    const pool = wasmBackend().pool as NonNullable<ReturnType<typeof wasmBackend>['pool']>;
    const jobs: string[] = [];
    const run = pool.run.bind(pool);
    pool.run = (chunks, work) => {
      jobs.push(pool.jobWords[0] === 5 ? `5,${pool.jobWords[1]}` : `${pool.jobWords[0]}`);
      run(chunks, work);
    };
    try {
      for (const [name, op, job] of ops) {
        const single = await withThreads(1, () => op().values);
        for (const threads of [2, 3]) {
          jobs.length = 0;
          const threaded = await withThreads(threads, () => op().values);
          expect(jobs, `${name} on ${threads} threads was split`).toContain(job.join(','));
          expect(firstDifference(threaded.result, single.result), `${name} on ${threads} threads`).toBe(-1);
        }
      }
    } finally {
      delete (pool as { run?: unknown }).run;
    }
  });

  it('a conv net trains to the same bits on 1 and 2 threads (its im2col matmuls split)', async () => {
    const train = (): number[][] => {
      const x = T.normal([16, 12, 12, 3], 0, 1, { seed: 7 });
      const w1 = T.mul(T.normal([3, 3, 3, 32], 0, 1, { seed: 8 }), 0.2).requireGrad();
      const w2 = T.mul(T.normal([3, 3, 32, 64], 0, 1, { seed: 9 }), 0.06).requireGrad();
      for (let step = 0; step < 3; step++) {
        const h = T.maxPool2d(T.relu(T.conv2d(x, w1, { padding: 'same' })), 2);
        T.mean(T.square(T.conv2d(h, w2, { padding: 'same' }))).backward();
        T.noGrad(() => {
          for (const w of [w1, w2]) {
            w.assign(T.sub(w, T.mul(w.grad as Tensor, 0.1)));
            w.zeroGrad();
          }
        });
      }
      return [[...w1.values], [...w2.values]];
    };
    const single = await withThreads(1, train);
    const threaded = await withThreads(2, train);
    expect(threaded.split).toBeGreaterThan(0);
    expect(threaded.result).toEqual(single.result);
  });
});

describe('threads in a separate process, from dist/', () => {
  const fixture = fileURLToPath(new URL('./fixtures/train-threads.mjs', import.meta.url));
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

  interface Run {
    threads: { requested: number; active: number; reason?: string; parallelCalls: number };
    loss: number;
    /** sha256 of the trained parameters' bits */
    parameters: string;
  }

  /** Runs the fixture; fails if it does not exit by itself within the timeout. */
  function run(...args: string[]): Run {
    expect(existsSync(dist), "dist/ is missing: run 'pnpm build' first").toBe(true);
    const child = spawnSync(process.execPath, [fixture, ...args], { encoding: 'utf8', timeout: 30_000 });
    expect(child.error, 'the training process did not exit by itself within 30 s').toBeUndefined();
    expect(child.signal).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    return JSON.parse(child.stdout) as Run;
  }

  it('trains with 2 threads and the process then exits by itself; without SharedArrayBuffer it runs on one thread, to the same bits', () => {
    const threaded = run();
    expect(threaded.threads).toMatchObject({ requested: 2, active: 2 });
    expect(threaded.threads.parallelCalls).toBeGreaterThanOrEqual(8);
    const single = run('--no-shared-array-buffer');
    expect(single.threads).toMatchObject({ requested: 2, active: 1, parallelCalls: 0 });
    expect(single.threads.reason).toMatch(/SharedArrayBuffer/);
    expect(threaded.loss).toBe(single.loss);
    expect(threaded.parameters).toEqual(single.parameters);
  });

  it('starts its workers asynchronously where Node cannot load worker_threads synchronously (before 20.16)', () => {
    const older = run('--no-get-builtin-module');
    expect(older.threads).toMatchObject({ requested: 2, active: 2 });
    expect(older.threads.parallelCalls).toBeGreaterThanOrEqual(8);
  });
});

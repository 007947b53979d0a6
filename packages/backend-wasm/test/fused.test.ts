import * as T from '@keel/tensor';
import { engine, setBackend, tensor, type Attrs, type Tensor } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../src/index.js';
import type { KernelExports } from '../src/module.js';
import { install, on } from './helpers.js';

// One thread, so that every fused kernel call goes through the export it is recorded by (large
// ones split across threads are tested in threads.test.ts).
beforeAll(() => install({ threads: 1 }));
afterEach(() => setBackend('js'));

type Inputs = () => Tensor[];

/**
 * Runs `fn` with the backend's kernel exports wrapped, returning its result and the exports it
 * called: a fused kernel that ran in WebAssembly called its own, one that fell back to 'js' none.
 */
function recording<R>(fn: () => R): { result: R; calls: string[] } {
  const backend = wasmBackend() as { wasm: KernelExports };
  const exports = backend.wasm;
  const calls: string[] = [];
  const wrapped = Object.fromEntries(
    Object.entries(exports).map(([name, value]) => [
      name,
      typeof value === 'function' ? (...args: unknown[]) => (calls.push(name), (value as (...a: unknown[]) => unknown)(...args)) : value,
    ]),
  );
  backend.wasm = wrapped as unknown as KernelExports;
  try {
    return { result: fn(), calls };
  } finally {
    backend.wasm = exports;
  }
}

/** The op on 'js' and on 'wasm' from the same seeded inputs; checks the wasm kernel ran its export. */
function both(op: string, inputs: Inputs, attrs: Attrs = {}): { actual: Tensor; expected: Tensor } {
  const expected = on('js', () => engine.run(op, inputs(), attrs));
  const { result: actual, calls } = recording(() => on('wasm', () => engine.run(op, inputs(), attrs)));
  expect(on('wasm', () => engine.kernel(op).backend), op).toBe('wasm');
  expect(calls, `${op} ran in WebAssembly`).toContain(op);
  expect(actual.backend.name).toBe('wasm');
  expect(actual.dtype).toBe('float32');
  expect(actual.shape).toEqual(expected.shape);
  return { actual, expected };
}

/**
 * The first index where two arrays differ by more than atol + rtol·|b| (NaN equal to NaN only;
 * with no tolerance, in bits), or -1.
 */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 0, atol = 0): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    if (rtol === 0 && atol === 0) return i;
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) return i;
  }
  return -1;
}

const shapes: [number, number][] = [[64, 128], [128, 512], [64, 10], [5, 7], [1, 3], [3, 1]];
const activations = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

describe('biasActivation', () => {
  for (const [rows, units] of shapes) {
    it(`[${rows},${units}] with and without a bias, every activation`, () => {
      for (const activation of activations) {
        for (const withBias of [true, false]) {
          const inputs: Inputs = () => [
            T.uniform([rows, units], -4, 4, { seed: rows + units }),
            ...(withBias ? [T.uniform([units], -1, 1, { seed: units })] : []),
          ];
          const { actual, expected } = both('biasActivation', inputs, { activation });
          const what = `${activation}${withBias ? ' + bias' : ''}`;
          // relu and linear are exact float32 arithmetic; sigmoid and tanh round float64 Math once
          if (activation === 'relu' || activation === 'linear') expect(firstDifference(actual.values, expected.values), what).toBe(-1);
          else expect(firstDifference(actual.values, expected.values, 1e-6, 1e-7), what).toBe(-1);
        }
      }
    });
  }

  it('rank 3 inputs and sigmoid at extremes (stable: never overflows)', () => {
    const { actual, expected } = both('biasActivation', () => [T.uniform([2, 3, 5], -2, 2, { seed: 4 }), T.uniform([5], -1, 1, { seed: 5 })], { activation: 'tanh' });
    expect(firstDifference(actual.values, expected.values, 1e-6, 1e-7)).toBe(-1);
    const extremes = (): Tensor[] => [tensor([[1000, -1000, 88, -88, 30, -30, 0]])];
    const sigmoid = both('biasActivation', extremes, { activation: 'sigmoid' });
    expect([...sigmoid.actual.values]).toEqual([...sigmoid.expected.values]);
    expect(sigmoid.actual.values[0]).toBe(1);
    expect(sigmoid.actual.values[1]).toBe(0);
  });

  it('relu gives +0 for a -0 sum, as the reference does (bit for bit)', () => {
    for (const withBias of [false, true]) {
      const inputs: Inputs = () => [tensor([[-0, -0, 2, -3, -0, 0, -0]]), ...(withBias ? [tensor([-0, 0, -0, 1, -1, -0, -0])] : [])];
      const { actual, expected } = both('biasActivation', inputs, { activation: 'relu' });
      expect(firstDifference(actual.values, expected.values)).toBe(-1);
      expect(Object.is(actual.values[0], 0)).toBe(true);
    }
  });

  it('relu keeps NaN, passes +Infinity and zeroes -Infinity, at the first, a middle, the last and a tail index', () => {
    for (const [rows, units] of [[1, 13], [3, 7], [4, 8]]) {
      const n = rows * units;
      for (const at of [0, Math.floor(n / 2), n - 1, n - 2]) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const z = (): Tensor => tensor(Array.from({ length: n }, (_, i) => (i === at ? bad : (i % 5) - 2)), [rows, units], { allowNonFinite: true });
          for (const withBias of [false, true]) {
            const inputs: Inputs = () => [z(), ...(withBias ? [T.uniform([units], -1, 1, { seed: 9 })] : [])];
            const { actual, expected } = both('biasActivation', inputs, { activation: 'relu' });
            expect(firstDifference(actual.values, expected.values), `${bad} at ${at} of [${rows},${units}]`).toBe(-1);
            const v = actual.values[at];
            if (Number.isNaN(bad)) expect(v).toBeNaN();
            else expect(v).toBe(bad > 0 ? Infinity : 0);
          }
        }
      }
    }
  });
});

describe('activationGrad', () => {
  for (const [rows, units] of shapes) {
    it(`[${rows},${units}], every activation, from the activation's output`, () => {
      for (const activation of activations) {
        const inputs: Inputs = () => {
          const z = T.uniform([rows, units], -3, 3, { seed: rows * units });
          return [engine.run('biasActivation', [z], { activation }), T.uniform([rows, units], -1, 1, { seed: 2 })];
        };
        const { actual, expected } = both('activationGrad', inputs, { activation });
        // float64 arithmetic rounded once, like the reference: the same bits
        expect(firstDifference(actual.values, expected.values), activation).toBe(-1);
      }
    });
  }

  it('relu passes NaN in y through as NaN (at the first, a middle, the last and a tail index)', () => {
    const n = 23;
    for (const at of [0, 11, n - 1, n - 3]) {
      const inputs: Inputs = () => [
        tensor(Array.from({ length: n }, (_, i) => (i === at ? NaN : i % 3 === 0 ? 0 : i)), [n], { allowNonFinite: true }),
        T.uniform([n], -1, 1, { seed: 3 }),
      ];
      const { actual, expected } = both('activationGrad', inputs, { activation: 'relu' });
      expect(firstDifference(actual.values, expected.values), `NaN at ${at}`).toBe(-1);
      expect(actual.values[at]).toBeNaN();
    }
  });
});

describe('softmax cross-entropy', () => {
  const labelsFor = (rows: number, classes: number): Tensor => tensor(Array.from({ length: rows }, (_, r) => (r * 7 + 3) % classes));
  const logitsFor = (rows: number, classes: number): Tensor => T.uniform([rows, classes], -5, 5, { seed: rows + classes });
  const targetsFor = (rows: number, classes: number): Tensor => T.softmax(T.uniform([rows, classes], -2, 2, { seed: 7 }));

  for (const [rows, classes] of shapes) {
    it(`[${rows},${classes}]: losses and gradients, sparse labels and soft targets`, () => {
      const dy = (): Tensor => T.uniform([rows], 0.5, 1.5, { seed: 8 });
      const cases: [string, Inputs][] = [
        ['sparseSoftmaxCrossEntropy', () => [logitsFor(rows, classes), labelsFor(rows, classes)]],
        ['sparseSoftmaxCrossEntropyGrad', () => [logitsFor(rows, classes), labelsFor(rows, classes), dy()]],
        ['softmaxCrossEntropy', () => [logitsFor(rows, classes), targetsFor(rows, classes)]],
        ['softmaxCrossEntropyGrad', () => [logitsFor(rows, classes), targetsFor(rows, classes), dy()]],
      ];
      for (const [op, inputs] of cases) {
        const { actual, expected } = both(op, inputs);
        expect(firstDifference(actual.values, expected.values, 1e-5, 1e-7), op).toBe(-1);
      }
    });
  }

  it('one-hot targets with zeros where log softmax underflows, extreme logits, invalid labels', () => {
    const logits = (): Tensor => tensor([[1000, 0, -1000], [0, -1000, 1000], [3, 2, 1], [1, 2, 3]]);
    const oneHot = (): Tensor => tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0.5, 0, 0.5]]);
    const labels = (): Tensor => tensor([2, 0, -1, 1.5]);
    const dy = (): Tensor => tensor([1, 2, 0.5, 1]);
    for (const [op, inputs] of [
      ['softmaxCrossEntropy', () => [logits(), oneHot()]],
      ['softmaxCrossEntropyGrad', () => [logits(), oneHot(), dy()]],
      ['sparseSoftmaxCrossEntropy', () => [logits(), labels()]],
      ['sparseSoftmaxCrossEntropyGrad', () => [logits(), labels(), dy()]],
    ] as [string, Inputs][]) {
      const { actual, expected } = both(op, inputs);
      expect(firstDifference(actual.values, expected.values, 1e-5, 1e-7), op).toBe(-1);
    }
    const losses = on('wasm', () => engine.run('sparseSoftmaxCrossEntropy', [logits(), labels()]));
    expect(losses.values[0]).toBe(2000);
    expect(losses.values[1]).toBe(1000);
    expect(losses.values[2]).toBeNaN(); // label -1
    expect(losses.values[3]).toBeNaN(); // label 1.5
  });

  it('labels equal to the class count are invalid too', () => {
    const { actual } = both('sparseSoftmaxCrossEntropy', () => [tensor([[1, 2], [3, 4]]), tensor([2, 1])]);
    expect(actual.values[0]).toBeNaN();
    expect(actual.values[1]).toBeCloseTo(Math.log1p(Math.exp(-1)), 6);
  });
});

describe('allFinite', () => {
  const finite = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i % 7) - 3) * 1.5e37 + (i % 2 === 0 ? -0 : 1e-42));

  it('is a float32 scalar on wasm, 1 for finite values (huge, tiny, -0), also empty and tail-only', () => {
    for (const n of [0, 1, 3, 15, 16, 17, 1024, 1030, 4099, 100_352]) {
      const { actual, expected } = both('allFinite', () => [tensor(finite(n))]);
      expect(actual.shape).toEqual([]);
      expect(actual.values[0], `n = ${n}`).toBe(1);
      expect(expected.values[0]).toBe(1);
    }
  });

  it('is 0 for NaN, +Infinity or -Infinity at the first, a middle, the last, a block edge and a tail index', () => {
    for (const n of [7, 1030, 100_355]) {
      const vectors = n & ~15; // the SIMD part; the rest is the scalar tail
      const positions = [...new Set([0, Math.floor(n / 2), n - 1, vectors + 1, 1023, 1024].filter((i) => i < n))];
      for (const at of positions) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const values = finite(n);
          values[at] = bad;
          const { actual } = both('allFinite', () => [tensor(values, undefined, { allowNonFinite: true })]);
          expect(actual.values[0], `${bad} at ${at} of ${n}`).toBe(0);
        }
      }
    }
  });

  it('T.allFinite answers through it', () => {
    setBackend('wasm');
    expect(T.allFinite(T.uniform([300], -1, 1, { seed: 1 }))).toBe(true);
    expect(T.allFinite(T.log(tensor([1, 0, 2])))).toBe(false);
  });
});

describe('axpby', () => {
  // firstDifference without a tolerance compares bits (Object.is: -0 is not +0), NaN equal to NaN.
  // Scales for every path of the kernel: a float32 a (p − lr·g), b (μ·v + g: swapped), both, neither (Adam's moments).
  const scales: [number, number][] = [[1, -0.05], [0.9, 1], [0.5, -0.25], [0.9, -0.1], [0.999, 0.001], [-1.7, 3.3]];

  it('gives the bits of js on random float32 arrays of odd lengths (SIMD body and scalar tail)', () => {
    for (const n of [1, 7, 1000, 100_003]) {
      for (const [a, b] of scales) {
        const inputs: Inputs = () => [T.normal([n], 0, 3, { seed: n }), T.uniform([n], -1e3, 1e3, { seed: n + 1 })];
        const { actual, expected } = both('axpby', inputs, { a, b });
        expect(firstDifference(actual.values, expected.values), `n = ${n}, a = ${a}, b = ${b}`).toBe(-1);
      }
    }
  });

  it('zeros come out +0, overflow gives ±Infinity, NaN stays NaN: as js, in the SIMD body and the tail', () => {
    const x = [-0, -0, 0, 1, 3e38, -3e38, NaN, 2, -0, 5, 1e-45];
    const y = [-0, 0, -0, -1, 3e38, 1, 1, -0, -0, -5, -1e-45];
    const inputs: Inputs = () => [tensor(x, undefined, { allowNonFinite: true }), tensor(y, undefined, { allowNonFinite: true })];
    for (const [a, b] of [[1, 1], [1.1, 1], [1.1, 0.7]]) {
      const { actual, expected } = both('axpby', inputs, { a, b });
      expect(firstDifference(actual.values, expected.values), `a = ${a}, b = ${b}`).toBe(-1);
      expect(Object.is(actual.values[0], 0) && Object.is(actual.values[8], 0)).toBe(true);
      expect(actual.values[4]).toBe(Infinity);
      expect(actual.values[6]).toBeNaN();
    }
  });

  it('T.axpby on wasm equals add(mul(x, a), mul(y, b)) there, bit for bit, as the op promises', () => {
    setBackend('wasm');
    const x = T.uniform([784, 128], -1, 1, { seed: 1 });
    const y = T.uniform([784, 128], -1, 1, { seed: 2 });
    expect(firstDifference(T.axpby(x, y, 0.9, -0.01).values, T.add(T.mul(x, 0.9), T.mul(y, -0.01)).values)).toBe(-1);
  });
});

describe('what falls back to js', () => {
  it('float64 inputs run on the js kernels, and the results come back as wasm tensors', () => {
    const f64 = { dtype: 'float64' } as const;
    const cases: [string, Inputs, Attrs][] = [
      ['biasActivation', () => [T.uniform([5, 7], -2, 2, { seed: 1, ...f64 }), T.uniform([7], -1, 1, { seed: 2, ...f64 })], { activation: 'relu' }],
      ['activationGrad', () => [T.uniform([5, 7], 0, 1, { seed: 1, ...f64 }), T.uniform([5, 7], -1, 1, { seed: 2, ...f64 })], { activation: 'sigmoid' }],
      ['sparseSoftmaxCrossEntropy', () => [T.uniform([5, 7], -2, 2, { seed: 1, ...f64 }), tensor([0, 6, 3, 2, 1], undefined, f64)], {}],
      ['softmaxCrossEntropyGrad', () => [T.uniform([5, 7], -2, 2, { seed: 1, ...f64 }), T.uniform([5, 7], 0, 1, { seed: 3, ...f64 }), T.ones([5], f64)], {}],
      ['allFinite', () => [T.uniform([9], -1, 1, { seed: 1, ...f64 })], {}],
      ['axpby', () => [T.uniform([9], -1, 1, { seed: 1, ...f64 }), T.uniform([9], -1, 1, { seed: 2, ...f64 })], { a: 0.9, b: -0.1 }],
    ];
    for (const [op, inputs, attrs] of cases) {
      const expected = on('js', () => engine.run(op, inputs(), attrs));
      const { result: actual, calls } = recording(() => on('wasm', () => engine.run(op, inputs(), attrs)));
      expect(calls, op).not.toContain(op);
      expect(actual.backend.name, op).toBe('wasm');
      expect(actual.dtype, op).toBe(expected.dtype);
      expect([...actual.values], op).toEqual([...expected.values]);
    }
  });

  it('an activation the kernels do not know runs on the reference', () => {
    const inputs = (): Tensor[] => [T.uniform([2, 3], -1, 1, { seed: 1 })];
    // past the types (a plugin calling the engine with a name it made up): the kernel must not guess
    const swish = { activation: 'swish' } as unknown as { activation: 'relu' };
    const expected = on('js', () => engine.run('biasActivation', inputs(), swish));
    const { result: actual, calls } = recording(() => on('wasm', () => engine.run('biasActivation', inputs(), swish)));
    expect(calls).not.toContain('biasActivation');
    expect([...actual.values]).toEqual([...expected.values]);
  });
});

describe('the fused ops end to end', () => {
  it('a dense layer and a cross-entropy loss give the gradients of js', () => {
    const step = (): number[][] => {
      const x = T.uniform([16, 12], -1, 1, { seed: 1 });
      const w1 = T.uniform([12, 8], -0.5, 0.5, { seed: 2 }).requireGrad();
      const b1 = T.uniform([8], -0.1, 0.1, { seed: 3 }).requireGrad();
      const w2 = T.uniform([8, 5], -0.5, 0.5, { seed: 4 }).requireGrad();
      const labels = tensor(Array.from({ length: 16 }, (_, i) => i % 5));
      const logits = T.dense(T.dense(x, w1, b1, 'tanh'), w2, null, 'linear');
      const loss = T.mean(T.sparseSoftmaxCrossEntropyWithLogits(logits, labels));
      loss.backward();
      return [[loss.item()], ...[w1, b1, w2].map((p) => [...(p.grad as Tensor).values])];
    };
    const expected = on('js', step);
    const { result: actual, calls } = recording(() => on('wasm', step));
    for (const op of ['biasActivation', 'activationGrad', 'sparseSoftmaxCrossEntropy', 'sparseSoftmaxCrossEntropyGrad']) expect(calls).toContain(op);
    actual.forEach((values, k) => values.forEach((v, i) => expect(Math.abs(v - expected[k][i]), `${k}[${i}]`).toBeLessThan(1e-5 + 1e-4 * Math.abs(expected[k][i]))));
  });
});

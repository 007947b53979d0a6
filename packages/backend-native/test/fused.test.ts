import * as T from '@keel/tensor';
import { engine, tensor, type Attrs, type Tensor } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getNativeThreads, nativeBackend, nativeOps, setNativeThreads } from '../src/index.js';
import { addonCalls, close, identical, install, on, skipReason, titled } from './helpers.js';

beforeAll(() => install());

const fusedOps = [
  'biasActivation', 'activationGrad', 'sparseSoftmaxCrossEntropy', 'sparseSoftmaxCrossEntropyGrad', 'softmaxCrossEntropy', 'softmaxCrossEntropyGrad', 'allFinite', 'axpby',
] as const;
const activations = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

/** One kernel on both backends with the same inputs (made afresh on each), through engine.run. */
function both(op: string, inputs: () => Tensor[], attrs: Attrs = {}): { actual: Tensor; expected: Tensor } {
  const expected = on('js', () => engine.run(op, inputs(), attrs));
  const actual = on('native', () => engine.run(op, inputs(), attrs));
  expect(actual.backend.name, op).toBe('native');
  expect(actual.dtype, op).toBe('float32');
  expect(actual.shape, op).toEqual(expected.shape);
  return { actual, expected };
}

/** Within float32 tolerance (1e-5 relative) of the reference, NaN where it has NaN. */
function near(actual: Tensor, expected: Tensor, label: string): void {
  const { ok, error } = close(actual, expected, 1e-5, 1e-7);
  expect(ok, `${label}: largest difference ${error}`).toBe(true);
}

const logits = (rows: number, classes: number, seed = 1): Tensor => T.uniform([rows, classes], -8, 8, { seed });
const labels = (rows: number, classes: number, seed = 2): Tensor => T.floor(T.uniform([rows], 0, classes, { seed }));
const targets = (rows: number, classes: number, seed = 3): Tensor => T.softmax(T.uniform([rows, classes], -2, 2, { seed }));
const rowGrad = (rows: number, seed = 4): Tensor => T.uniform([rows], -1, 1, { seed });

afterEach(() => T.setBackend('js'));

describe.skipIf(skipReason !== undefined)(titled('fused kernels run in C'), () => {
  it("are 'native' C kernels, not the 'js' fallback", () => {
    for (const op of fusedOps) {
      expect(nativeOps, op).toContain(op);
      expect(on('native', () => engine.kernel(op).backend), op).toBe('native');
    }
  });

  it('call the addon for float32 inputs, and the js reference for float64 ones', () => {
    const z = (dtype: 'float32' | 'float64'): Tensor => T.cast(T.uniform([8, 4], -1, 1, { seed: 5 }), dtype);
    const native = addonCalls(() => on('native', () => {
      T.dense(z('float32'), T.uniform([4, 3], -1, 1, { seed: 6 }), T.uniform([3], -1, 1, { seed: 7 }), 'relu');
      engine.run('activationGrad', [z('float32'), z('float32')], { activation: 'tanh' });
      T.sparseSoftmaxCrossEntropyWithLogits(logits(8, 4), labels(8, 4));
      engine.run('sparseSoftmaxCrossEntropyGrad', [logits(8, 4), labels(8, 4), rowGrad(8)]);
      T.softmaxCrossEntropyWithLogits(logits(8, 4), targets(8, 4));
      engine.run('softmaxCrossEntropyGrad', [logits(8, 4), targets(8, 4), rowGrad(8)]);
      T.axpby(z('float32'), z('float32'), 1, -0.1);
      return T.allFinite(z('float32'));
    }));
    expect(native.result).toBe(true);
    expect(native.calls).toMatchObject({ biasActivation: 1, activationGrad: 1, crossEntropy: 2, crossEntropyGrad: 2, allFinite: 1, axpby: 1 });

    const wide = addonCalls(() => on('native', () => [
      engine.run('biasActivation', [z('float64'), T.cast(tensor([1, 2, 3, 4]), 'float64')], { activation: 'sigmoid' }),
      engine.run('activationGrad', [z('float64'), z('float64')], { activation: 'relu' }),
      engine.run('allFinite', [z('float64')]),
      engine.run('axpby', [z('float64'), z('float64')], { a: 1, b: 2 }),
    ]));
    expect(wide.calls.axpby ?? 0).toBe(0);
    expect(wide.calls.biasActivation ?? 0).toBe(0);
    expect(wide.calls.activationGrad ?? 0).toBe(0);
    expect(wide.calls.allFinite ?? 0).toBe(0);
    const [y, dz, finite] = wide.result;
    expect([y.dtype, dz.dtype, finite.dtype]).toEqual(['float64', 'float64', 'float32']);
    expect([y.backend.name, dz.backend.name, finite.backend.name]).toEqual(['native', 'native', 'native']);
    const expected = on('js', () => engine.run('biasActivation', [z('float64'), T.cast(tensor([1, 2, 3, 4]), 'float64')], { activation: 'sigmoid' }));
    expect(identical(y.values, expected.values)).toBe(true);
  });
});

describe.skipIf(skipReason !== undefined)(titled('fused kernels match js'), () => {
  it('axpby equals js bit for bit (signed zeros too), on one thread and on two', () => {
    const x = (): Tensor => T.uniform([100_003], -3, 3, { seed: 20 });
    const y = (): Tensor => T.uniform([100_003], -3, 3, { seed: 21 });
    const threads = getNativeThreads();
    try {
      for (const count of [1, 2]) {
        setNativeThreads(count);
        for (const [a, b] of [[1, -0.1], [0.9, 0.1], [0.999, 0.001], [-2.5, 1e-7]]) {
          const { actual, expected } = both('axpby', () => [x(), y()], { a, b });
          expect(identical(actual.values, expected.values), `${count} threads, a ${a}, b ${b}`).toBe(true);
        }
      }
    } finally {
      setNativeThreads(threads);
    }
    const zeros = both('axpby', () => [tensor([-0, -0, 0, 1]), tensor([-0, 0, -0, -1])], { a: 1, b: 1 });
    expect([...zeros.actual.values].map((v) => Object.is(v, 0))).toEqual([...zeros.expected.values].map((v) => Object.is(v, 0)));
    expect(Object.is(zeros.actual.values[0], 0)).toBe(true);
  });

  it('biasActivation on [64, 128], with and without a bias, every activation', () => {
    const z = (): Tensor => T.uniform([64, 128], -4, 4, { seed: 10 });
    const bias = (): Tensor => T.uniform([128], -1, 1, { seed: 11 });
    for (const activation of activations) {
      for (const withBias of [true, false]) {
        const { actual, expected } = both('biasActivation', () => (withBias ? [z(), bias()] : [z()]), { activation });
        // linear and relu are exact: the sum is rounded to float32 before the activation, as in js
        if (activation === 'linear' || activation === 'relu') expect(identical(actual.values, expected.values), activation).toBe(true);
        else near(actual, expected, `${activation}, bias ${withBias}`);
      }
    }
  });

  it('biasActivation relu equals add then relu bit for bit, over leading axes too', () => {
    const z = (): Tensor => T.uniform([2, 3, 40], -1, 1, { seed: 12 });
    const bias = (): Tensor => T.uniform([40], -1, 1, { seed: 13 });
    const fused = on('native', () => engine.run('biasActivation', [z(), bias()], { activation: 'relu' }));
    const unfused = on('js', () => T.relu(T.add(z(), bias())));
    expect(identical(fused.values, unfused.values)).toBe(true);
  });

  it('sigmoid and tanh saturate without overflow', () => {
    const z = (): Tensor[] => [tensor([[-1000, -90, -20, 0, 20, 90, 1000]])];
    for (const activation of ['sigmoid', 'tanh']) {
      const { actual, expected } = both('biasActivation', z, { activation });
      near(actual, expected, activation);
      expect([...actual.values].every(Number.isFinite), activation).toBe(true);
    }
  });

  it('activationGrad on [64, 128], every activation, exactly', () => {
    for (const activation of activations) {
      const y = (): Tensor => {
        const z = T.uniform([64, 128], -3, 3, { seed: 14 });
        return activation === 'linear' ? z : engine.run('biasActivation', [z], { activation });
      };
      const dy = (): Tensor => T.uniform([64, 128], -1, 1, { seed: 15 });
      const { actual, expected } = both('activationGrad', () => [y(), dy()], { activation });
      // only multiplications and subtractions, in double like js: the same bits
      expect(identical(actual.values, expected.values), activation).toBe(true);
    }
  });

  it('the cross-entropies and their gradients on [64, 10] and [64, 128]', () => {
    for (const [rows, classes] of [[64, 10], [64, 128], [3, 1]]) {
      const label = `[${rows}, ${classes}]`;
      const sparse = both('sparseSoftmaxCrossEntropy', () => [logits(rows, classes), labels(rows, classes)]);
      near(sparse.actual, sparse.expected, `sparse ${label}`);
      const sparseGrad = both('sparseSoftmaxCrossEntropyGrad', () => [logits(rows, classes), labels(rows, classes), rowGrad(rows)]);
      near(sparseGrad.actual, sparseGrad.expected, `sparse grad ${label}`);
      const dense = both('softmaxCrossEntropy', () => [logits(rows, classes), targets(rows, classes)]);
      near(dense.actual, dense.expected, `dense ${label}`);
      const denseGrad = both('softmaxCrossEntropyGrad', () => [logits(rows, classes), targets(rows, classes), rowGrad(rows)]);
      near(denseGrad.actual, denseGrad.expected, `dense grad ${label}`);
    }
  });

  it('cross-entropy edge cases: extreme logits, invalid labels, zero and unnormalised targets', () => {
    const x = (): Tensor => tensor([[1000, 0, -1000], [-1000, -1000, -1000], [0, 0, 0], [5, NaN, 1], [1, 2, 3]], undefined, { allowNonFinite: true });
    const l = (): Tensor => tensor([2, 0, 1.5, 1, 3]); // 1.5 and 3 are not classes: NaN
    const loss = both('sparseSoftmaxCrossEntropy', () => [x(), l()]);
    near(loss.actual, loss.expected, 'sparse loss');
    expect([...loss.actual.values].map(Number.isNaN)).toEqual([false, false, true, true, true]);
    expect(loss.actual.values[0]).toBe(2000);
    const grad = both('sparseSoftmaxCrossEntropyGrad', () => [x(), l(), tensor([1, -2, 0.5, 1, 1])]);
    near(grad.actual, grad.expected, 'sparse grad');
    const t = (): Tensor => tensor([[0, 0, 1], [0.5, 0.5, 0], [0, 0, 0], [1, 0, 0], [2, 0, 1]]);
    const dense = both('softmaxCrossEntropy', () => [x(), t()]);
    near(dense.actual, dense.expected, 'dense loss');
    const denseGrad = both('softmaxCrossEntropyGrad', () => [x(), t(), tensor([1, 1, 1, 1, 0.25])]);
    near(denseGrad.actual, denseGrad.expected, 'dense grad');
  });
});

describe.skipIf(skipReason !== undefined)(titled('non-finite values'), () => {
  it('relu and its gradient keep NaN; Inf passes through the sum', () => {
    const z = (): Tensor => tensor([[NaN, -Infinity, Infinity, -0, -1], [2, NaN, 0, 1, -Infinity]], undefined, { allowNonFinite: true });
    const bias = (): Tensor => tensor([0, Infinity, 1, -0, 0.5], undefined, { allowNonFinite: true });
    const { actual, expected } = both('biasActivation', () => [z(), bias()], { activation: 'relu' });
    expect(identical(actual.values, expected.values)).toBe(true);
    // NaN, −∞ + ∞ = NaN, ∞, 0, 0 | 2, NaN, 1, 1, 0
    expect([...actual.values]).toEqual([NaN, NaN, Infinity, 0, 0, 2, NaN, 1, 1, 0]);
    expect(Object.is(actual.values[3], 0)).toBe(true); // −0 + −0 = −0 becomes +0, as in js
    const grad = both('activationGrad', () => [actual, T.ones([2, 5])], { activation: 'relu' });
    expect([...grad.actual.values]).toEqual([NaN, NaN, 1, 0, 0, 1, NaN, 1, 1, 0]);
  });

  it('allFinite finds NaN, +Inf and −Inf at the first, a middle and the last index of a long buffer', () => {
    const length = 100_352;
    const clean = T.uniform([length], -1e30, 1e30, { seed: 20 }).values as Float32Array;
    const check = (values: Float32Array): number => on('native', () => {
      const result = engine.run('allFinite', [T.Tensor.fromValues(values, [values.length], 'float32')]);
      expect(result.shape).toEqual([]);
      expect(result.backend.name).toBe('native');
      return result.values[0];
    });
    expect(check(clean)).toBe(1);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const index of [0, 1, 4095, 4096, 50_000, length - 1]) {
        const values = clean.slice();
        values[index] = bad;
        expect(check(values), `${bad} at ${index}`).toBe(0);
      }
    }
    // the largest finite float32 values are finite; an empty tensor has nothing non-finite
    expect(check(Float32Array.from([3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -0]))).toBe(1);
    expect(check(new Float32Array(0))).toBe(1);
    for (const length of [1, 7, 4097]) expect(check(new Float32Array(length).fill(NaN)), `all NaN, ${length}`).toBe(0);
  });

  it("allFinite agrees with js on the guard's use", () => {
    const x = (): Tensor => tensor([3, 0, 2]);
    for (const op of [(t: Tensor) => t, T.log, (t: Tensor) => T.sqrt(T.neg(t))]) {
      const { actual, expected } = both('allFinite', () => [op(x())]);
      expect(actual.values[0]).toBe(expected.values[0]);
    }
  });
});

describe.skipIf(skipReason !== undefined)(titled('the raw fused kernels check their arguments'), () => {
  it('throw RangeErrors and TypeErrors instead of reading out of bounds', () => {
    const { addon } = nativeBackend();
    const f = (n: number): Float32Array => new Float32Array(n);
    expect(() => addon.biasActivation(1, f(10), f(3), f(10))).toThrow(/biasActivation: z's length is not a whole number of bias rows/);
    expect(() => addon.biasActivation(1, f(10), f(5), f(9))).toThrow(/out is too short/);
    expect(() => addon.biasActivation(7, f(10), null, f(10))).toThrow(/activation must be a whole number in 0\.\.3/);
    expect(() => addon.activationGrad(2, f(10), f(9), f(10))).toThrow(/activationGrad: dy is too short/);
    expect(() => addon.crossEntropy(true, f(20), f(3), f(4), 4, 5)).toThrow(/crossEntropy: labels is too short/);
    expect(() => addon.crossEntropy(false, f(20), f(19), f(4), 4, 5)).toThrow(/targets is too short/);
    expect(() => addon.crossEntropy(true, f(19), f(4), f(4), 4, 5)).toThrow(/logits is too short/);
    expect(() => addon.crossEntropyGrad(true, f(20), f(4), f(3), f(20), 4, 5)).toThrow(/crossEntropyGrad: dy is too short/);
    expect(() => addon.crossEntropyGrad(true, f(20), f(4), f(4), f(19), 4, 5)).toThrow(/out is too short/);
    expect(() => addon.allFinite(new Float64Array(2) as unknown as Float32Array)).toThrow(/allFinite: x must be a Float32Array/);
  });
});

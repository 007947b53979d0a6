import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { grad, tensor, type Tensor } from '../src/index.js';

const both = ['float32', 'float64'] as const;
const finite = (t: Tensor): boolean => Array.from(t.values).every((v) => Number.isFinite(v));

describe('numerical stability at extreme inputs', () => {
  for (const dtype of both) {
    describe(dtype, () => {
      const x = tensor([1000, -1000], [2], { dtype });

      it('sigmoid(±1000) is exactly [1, 0], with a finite (zero) gradient', () => {
        expect([...T.sigmoid(x).values]).toEqual([1, 0]);
        const [g] = grad((v) => T.sum(T.sigmoid(v)))(x);
        expect([...g.values]).toEqual([0, 0]);
      });

      it('softplus(±1000) is [1000, 0], gradient [1, 0]', () => {
        const y = T.softplus(x);
        expect(finite(y)).toBe(true);
        expect([...y.values]).toEqual([1000, 0]);
        const [g] = grad((v) => T.sum(T.softplus(v)))(x);
        expect([...g.values]).toEqual([1, 0]);
      });

      it('softmax([1000, 0]) is exactly [1, 0]; logSoftmax is [0, -1000]', () => {
        const v = tensor([1000, 0], [2], { dtype });
        expect([...T.softmax(v).values]).toEqual([1, 0]);
        expect([...T.logSoftmax(v).values]).toEqual([0, -1000]);
        // and along the first axis of a matrix
        const m = tensor([[1000, 0], [0, -1000]], undefined, { dtype });
        expect(T.softmax(m, 0).toArray()).toEqual([[1, 1], [0, 0]]);
        expect(T.logSoftmax(m, 0).toArray()).toEqual([[0, 0], [-1000, -1000]]);
      });

      it('softmax and logSoftmax gradients stay finite', () => {
        const v = tensor([1000, 0, -1000], [3], { dtype });
        const w = tensor([0.3, -1.2, 2], [3], { dtype });
        for (const op of [T.softmax, T.logSoftmax]) {
          const [g] = grad((u) => T.sum(T.mul(op(u), w)))(v);
          expect(finite(g), `${op.name}: ${String(g)}`).toBe(true);
        }
        // d/dx Σ w·logSoftmax(x) = w − softmax(x)·Σw = [w0 − Σw, w1, w2] at these x
        const [g] = grad((u) => T.sum(T.mul(T.logSoftmax(u), w)))(v);
        const [w0, w1, w2] = dtype === 'float32' ? [0.3, -1.2, 2].map((c) => Math.fround(c)) : [0.3, -1.2, 2];
        [w0 - (w0 + w1 + w2), w1, w2].forEach((e, i) => expect(g.values[i]).toBeCloseTo(e, 6));
        // and of Σ w·softmax(x): softmax is saturated, so the gradient vanishes
        const [s] = grad((u) => T.sum(T.mul(T.softmax(u), w)))(v);
        for (const value of s.values) expect(Math.abs(value)).toBe(0);
      });

      it('logSumExp([1000, 1000]) is 1000 + ln 2, gradient [1/2, 1/2]', () => {
        const v = tensor([1000, 1000], [2], { dtype });
        const expected = dtype === 'float32' ? Math.fround(1000 + Math.LN2) : 1000 + Math.LN2;
        expect(T.logSumExp(v).item()).toBe(expected);
        const [g] = grad((u) => T.logSumExp(u))(v);
        expect([...g.values]).toEqual([0.5, 0.5]);
        // large negative too
        expect(T.logSumExp(tensor([-1000, -1000], [2], { dtype })).item()).toBe(dtype === 'float32' ? Math.fround(-1000 + Math.LN2) : -1000 + Math.LN2);
      });

      it('logSumExp of all -Infinity is -Infinity, not NaN, with a finite gradient', () => {
        const v = tensor([-Infinity, -Infinity], [2], { dtype, allowNonFinite: true });
        expect(T.logSumExp(v).item()).toBe(-Infinity);
        // one row all -inf, one ordinary row, reduced along the last axis
        const m = tensor([[-Infinity, -Infinity, -Infinity], [0, Math.log(2), Math.log(5)]], undefined, { dtype, allowNonFinite: true });
        const out = T.logSumExp(m, { axis: 1 });
        expect(out.values[0]).toBe(-Infinity);
        expect(out.values[1]).toBeCloseTo(Math.log(8), 6);
        const [g] = grad((u) => T.sum(T.logSumExp(u, { axis: 1 })))(m);
        expect(finite(g), String(g)).toBe(true);
        expect([...g.values].slice(0, 3)).toEqual([0, 0, 0]);
        [1 / 8, 2 / 8, 5 / 8].forEach((p, i) => expect(g.values[3 + i]).toBeCloseTo(p, 6));
        // a -Infinity entry beside finite ones contributes exp(-inf) = 0
        expect(T.logSumExp(tensor([-Infinity, 0], [2], { dtype, allowNonFinite: true })).item()).toBe(0);
      });

      it('tanh, exp-based ops and log1p behave at the extremes', () => {
        expect([...T.tanh(x).values]).toEqual([1, -1]);
        const [g] = grad((v) => T.sum(T.tanh(v)))(x);
        expect([...g.values]).toEqual([0, 0]);
        expect(T.log1p(tensor([1e-10], [1], { dtype: 'float64' })).item()).toBeCloseTo(1e-10, 20);
        expect(T.expm1(tensor([1e-10], [1], { dtype: 'float64' })).item()).toBeCloseTo(1e-10, 20);
      });
    });
  }

  it('variance does not cancel catastrophically on a large offset', () => {
    const v = tensor([10001, 10002, 10003]);
    expect(T.variance(v).item()).toBeCloseTo(2 / 3, 5);
  });

  it('sum and mean of many float32 values are accurate to float32 precision', () => {
    const n = 1_000_000;
    const tenth = Math.fround(0.1);
    const expected = n * tenth; // exact in float64
    const s = T.sum(T.full([n], 0.1)).item();
    expect(Math.abs(s - expected) / expected).toBeLessThan(1e-6);
    const m = T.mean(T.full([n], 0.1)).item();
    expect(Math.abs(m - tenth) / tenth).toBeLessThan(1e-6);
    // along an inner axis too (the rows-in-order path)
    const cols = T.sum(T.full([n / 4, 4], 0.1), { axis: 0 });
    for (const c of cols.values) expect(Math.abs(c - expected / 4) / (expected / 4)).toBeLessThan(1e-6);
    // 2^24 + 2 ones cannot be counted in float32 one at a time
    const many = T.sum(T.ones([2 ** 24 + 2])).item();
    expect(many).toBe(2 ** 24 + 2);
  });
});

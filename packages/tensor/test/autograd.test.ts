import { afterEach, describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import {
  defineOp, engine, enableGrad, grad, InternalError, isGradEnabled, noGrad, ShapeError, tensor, TensorError, valueAndGrad, withScope,
  type OpEvent, type Tensor,
} from '../src/index.js';
import { expectClose, expectGradcheck, Random, randomTensor64, thrown } from './helpers.js';

const t64 = (values: number[], shape?: number[]): Tensor => tensor(values, shape, { dtype: 'float64' });
const gradOf = (t: Tensor): number[] => {
  if (t.grad === null) throw new Error('no gradient');
  return [...t.grad.values];
};

describe('backward and accumulation', () => {
  it('computes d(x·w + b)/d{w, b} for a scalar loss', () => {
    const x = t64([1, 2, 3]);
    const w = t64([0.5, -1, 2]).requireGrad();
    const b = t64([0.25]).requireGrad();
    const loss = T.sum(T.add(T.mul(x, w), b));
    expect(loss.item()).toBe(0.5 - 2 + 6 + 3 * 0.25);
    loss.backward();
    expect(gradOf(w)).toEqual([1, 2, 3]);
    expect(gradOf(b)).toEqual([3]);
    expect(x.grad).toBeNull();
  });

  it('gradients accumulate across two backward() calls; zeroGrad resets', () => {
    const w = t64([1, 2]).requireGrad();
    const step = (): void => T.sum(T.square(w)).backward();
    step();
    expect(gradOf(w)).toEqual([2, 4]);
    step();
    expect(gradOf(w)).toEqual([4, 8]);
    w.zeroGrad();
    expect(w.grad).toBeNull();
    step();
    expect(gradOf(w)).toEqual([2, 4]);
  });

  it('retainGraph lets the same graph be differentiated twice (accumulating)', () => {
    const w = t64([3]).requireGrad();
    const loss = T.sum(T.mul(w, w));
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    expect(gradOf(w)).toEqual([12]);
  });

  it('a second backward through a freed graph is a clear error, not a silent no-op', () => {
    const w = t64([3]).requireGrad();
    const loss = T.sum(T.mul(w, w));
    loss.backward();
    expect(gradOf(w)).toEqual([6]);
    const error = thrown(() => loss.backward());
    expect(error).toBeInstanceOf(TensorError);
    expect(error.message).toMatch(/second time/);
    expect(error.message).toMatch(/retainGraph/);
    expect(gradOf(w)).toEqual([6]);
    expect(loss.grad).toBeNull();
  });

  it('a tensor used twice gets the sum of both paths', () => {
    const x = t64([2, -3]).requireGrad();
    // y = x·x + 3x + sin(x): dy/dx = 2x + 3 + cos(x)
    T.sum(T.add(T.add(T.mul(x, x), T.mul(x, 3)), T.sin(x))).backward();
    expectClose(x.grad as Tensor, [2 * 2 + 3 + Math.cos(2), 2 * -3 + 3 + Math.cos(-3)], { rtol: 1e-15 });
    // a diamond: a = 2x, b = a + a·a, loss = Σ b
    const z = t64([0.5]).requireGrad();
    const a = T.mul(z, 2);
    T.sum(T.add(a, T.mul(a, a))).backward();
    expect(gradOf(z)).toEqual([2 + 8 * 0.5]);
    // the same leaf as both operands
    const u = t64([1.5, 2]).requireGrad();
    T.sum(T.add(u, u)).backward();
    expect(gradOf(u)).toEqual([2, 2]);
  });

  it('backward on a non-scalar needs a gradient of its shape', () => {
    const x = t64([1, 2, 3]).requireGrad();
    const y = T.mul(x, x);
    const error = thrown(() => y.backward());
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toBe('backward: a tensor of shape [3] is not a scalar; pass its gradient: backward(dy)');
    expect(() => y.backward(t64([1, 1]))).toThrow('backward: the gradient has shape [2] but the tensor has [3]');
    y.backward(t64([1, 0, -1]));
    expect(gradOf(x)).toEqual([2, 0, -6]);
  });

  it('backward on a tensor that requires no gradient is a clear TensorError', () => {
    const y = T.sum(t64([1, 2]));
    const error = thrown(() => y.backward());
    expect(error).toBeInstanceOf(TensorError);
    expect(error.message).toMatch(/^backward: this tensor does not depend on anything that requires gradients/);
    const w = t64([1]).requireGrad();
    const inside = noGrad(() => T.mul(w, 2));
    expect(() => inside.backward()).toThrow(/noGrad/);
  });

  it('a leaf can be differentiated directly', () => {
    const w = t64([4]).requireGrad();
    w.backward();
    expect(gradOf(w)).toEqual([1]);
  });

  it('a float32 parameter in a float64 computation still gets a gradient of its own shape', () => {
    const w = tensor([1, 2]).requireGrad();
    T.sum(T.mul(w, t64([0.5, 0.25]))).backward();
    expect((w.grad as Tensor).shape).toEqual([2]);
    expect((w.grad as Tensor).dtype).toBe('float32');
    expect(gradOf(w)).toEqual([0.5, 0.25]);
    // and the other way round
    const v = t64([1, 2]).requireGrad();
    T.sum(T.mul(v, tensor([3, 4]))).backward();
    expect((v.grad as Tensor).dtype).toBe('float64');
    expect(gradOf(v)).toEqual([3, 4]);
  });
});

describe('recording modes', () => {
  it('noGrad records nothing and restores the mode, even after a throw', () => {
    const w = t64([1]).requireGrad();
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return T.exp(T.mul(w, 2));
    });
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    // enableGrad inside noGrad records again
    const z = noGrad(() => enableGrad(() => T.mul(w, 3)));
    expect(z.requiresGrad).toBe(true);
  });

  it('ops on tensors that need no gradient record nothing', () => {
    const y = T.mul(t64([1]), 2);
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
  });

  it('detach cuts the graph', () => {
    const x = t64([2]).requireGrad();
    const y = T.mul(x, x);
    // loss = y·detach(y): only the first factor carries a gradient, 2x·y = 16
    T.sum(T.mul(y, y.detach())).backward();
    expect(gradOf(x)).toEqual([16]);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.node).toBeNull();
  });

  it('backward replays each op in the scope it ran in; hooks see both phases', () => {
    const events: OpEvent[] = [];
    const hook = (e: OpEvent): void => void events.push(e);
    engine.hooks.push(hook);
    try {
      const x = t64([1, 2]).requireGrad();
      const y = withScope('dense_1', () => T.sum(T.exp(x)));
      y.backward();
    } finally {
      engine.hooks.splice(engine.hooks.indexOf(hook), 1);
    }
    const forward = events.filter((e) => e.phase === 'forward');
    const backward = events.filter((e) => e.phase === 'backward');
    expect(forward.map((e) => e.op)).toEqual(['exp', 'sum']);
    expect(forward.every((e) => e.scope === 'dense_1')).toBe(true);
    expect(backward.length).toBeGreaterThan(0);
    expect(backward.every((e) => e.scope === 'dense_1')).toBe(true);
  });
});

describe('grad and valueAndGrad', () => {
  it('return the value and gradients without touching the inputs', () => {
    const x = t64([1, 2]);
    const y = t64([3, -1]);
    const { value, grads } = valueAndGrad((a, b) => T.sum(T.mul(T.square(a), b)))(x, y);
    expect(value.item()).toBe(3 - 4);
    expect(value.requiresGrad).toBe(false);
    expect([...grads[0].values]).toEqual([6, -4]);
    expect([...grads[1].values]).toEqual([1, 4]);
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
    const [gx] = grad((a) => T.mean(T.mul(a, a)))(t64([1, 2, 3, 4]));
    expect([...gx.values]).toEqual([0.5, 1, 1.5, 2]);
  });

  it('give zeros for an input f ignores, and work inside noGrad', () => {
    const grads = noGrad(() => grad((a, _b) => T.sum(T.mul(a, 2)))(t64([1]), t64([5, 6])));
    expect([...grads[0].values]).toEqual([2]);
    expect([...grads[1].values]).toEqual([0, 0]);
    expect(grads[1].shape).toEqual([2]);
  });

  it('insist on a scalar f', () => {
    expect(() => grad((a) => T.mul(a, 2))(t64([1, 2]))).toThrow('valueAndGrad: f must return a scalar, it returned shape [2]');
  });
});

describe('defineOp', () => {
  it('with a backward: uses it (and its named values)', () => {
    let calls = 0;
    const cube = defineOp({
      name: 'cube',
      forward: ([x]) => T.mul(x, T.square(x)),
      backward: ({ inputs, output, dy }) => {
        calls++;
        expect(output.shape).toEqual(inputs[0].shape);
        return [T.mul(dy, T.mul(T.square(inputs[0]), 3))];
      },
    });
    const x = t64([1, -2, 0.5]).requireGrad();
    const y = cube([x]);
    expect([...y.values]).toEqual([1, -8, 0.125]);
    expect(y.node?.op).toBe('cube');
    T.sum(y).backward();
    expect(calls).toBe(1);
    expect(gradOf(x)).toEqual([3, 12, 0.75]);
    expectGradcheck((v) => cube([v]), [randomTensor64(new Random(1), [4])]);
  });

  it('with attrs and several inputs, null for an input without a gradient', () => {
    const scaledDiff = defineOp<{ scale: number }>({
      name: 'scaledDiff',
      forward: ([a, b], { scale }) => T.mul(T.sub(a, b), scale),
      backward: ({ dy, attrs }) => [T.mul(dy, attrs.scale), null],
    });
    const a = t64([1, 2]).requireGrad();
    const b = t64([3, 4]).requireGrad();
    T.sum(scaledDiff([a, b], { scale: 2.5 })).backward();
    expect(gradOf(a)).toEqual([2.5, 2.5]);
    expect(b.grad).toBeNull();
  });

  it('without a backward: autograd differentiates the forward', () => {
    const swish = defineOp({ name: 'swish', forward: ([x]) => T.mul(x, T.sigmoid(x)) });
    expectGradcheck((v) => swish([v]), [randomTensor64(new Random(2), [2, 3], -3, 3)]);
    const x = t64([0]).requireGrad();
    T.sum(swish([x])).backward();
    expect(gradOf(x)).toEqual([0.5]);
  });

  it('a forward that returns its input unchanged does not rewrite the input', () => {
    const identity = defineOp({
      name: 'identity',
      forward: ([x]) => T.reshape(x, x.shape),
      backward: ({ dy }) => [T.mul(dy, 2)],
    });
    const x = t64([1, 2]).requireGrad();
    const y = identity([x]);
    expect(x.node).toBeNull();
    T.sum(y).backward();
    expect(gradOf(x)).toEqual([2, 2]);
  });

  it('a backward returning a wrong shape names the op and both shapes', () => {
    const broken = defineOp({
      name: 'acme/broken',
      forward: ([x]) => T.mul(x, 2),
      backward: ({ dy }) => [T.sum(dy)],
    });
    const x = t64([1, 2, 3]).requireGrad();
    const error = thrown(() => T.sum(broken([x])).backward());
    expect(error).toBeInstanceOf(TensorError);
    expect(error.message).toBe('acme/broken: backward returned a gradient of shape [] for input 0 of shape [3]');
    const miscounted = defineOp({ name: 'miscounted', forward: ([x]) => T.mul(x, 2), backward: ({ dy }) => [dy, dy] });
    expect(() => T.sum(miscounted([t64([1]).requireGrad()])).backward()).toThrow('miscounted: backward returned 2 gradients for 1 inputs');
  });
});

describe('engine invariants', () => {
  afterEach(() => {
    expect(isGradEnabled()).toBe(true);
  });

  it("a GradNode returning a gradient of the wrong shape is an InternalError naming the op and shapes", () => {
    const x = t64([1, 2, 3]).requireGrad();
    const y = T.mul(x, 2);
    // replace the recorded rule by a broken one (GradNode is public, so a backend or plugin could do this)
    y.node = { op: 'brokenOp', inputs: [x], backward: (dy) => [T.reshape(dy, [3, 1])], scope: '' };
    const error = thrown(() => T.sum(y).backward());
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe("internal error (please report): the gradient of 'brokenOp' for its input 0 has shape [3, 1], but that input has shape [3]");
    expect(x.grad).toBeNull();
  });

  it('a throwing backward leaves recording mode and phase as they were', () => {
    const x = t64([1]).requireGrad();
    const y = T.mul(x, 2);
    y.node = { op: 'throws', inputs: [x], backward: () => { throw new Error('kaput'); }, scope: '' };
    expect(() => y.backward()).toThrow('kaput');
    expect(engine.phase).toBe('forward');
    expect(engine.scope).toBe('');
  });
});

describe('where', () => {
  it('passes exact zeros to the unselected branch, even when the incoming gradient is infinite', () => {
    const a = T.tensor([1, 2]).requireGrad();
    const b = T.tensor([3, 4]).requireGrad();
    const y = T.where(T.tensor([1, 0]), a, b);
    y.backward(T.tensor([Infinity, Infinity], undefined, { allowNonFinite: true }));
    expect(a.grad!.toArray()).toEqual([Infinity, 0]);
    expect(b.grad!.toArray()).toEqual([0, Infinity]);
  });
});

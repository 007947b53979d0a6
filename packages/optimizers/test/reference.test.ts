// Each optimizer against its published update rule, written out here in plain JavaScript (not
// with the code under test) and run for six steps on the same gradients.
import { describe, expect, it } from 'vitest';
import { adagrad, adam, adamax, adamw, lion, rmsprop, sgd } from '../src/index.js';
import { expectTrajectory, GRADS, START, trajectory } from './helpers.js';

type Rule = (p: number[], g: number[], t: number, state: Record<string, number[]>) => number[];

/** Runs a per-element update rule; `state` keeps named per-element arrays, starting at `init`. */
function reference(rule: Rule, init: Record<string, number> = {}): number[][] {
  let p = [...START];
  const state: Record<string, number[]> = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, START.map(() => v)]));
  return GRADS.map((g, i) => (p = rule(p, g, i + 1, state)));
}

describe('sgd', () => {
  it('plain: p ← p − lr·g', () => {
    const lr = 0.1;
    const expected = reference((p, g) => p.map((x, i) => x - lr * g[i]));
    expectTrajectory(trajectory(sgd({ lr }), START, GRADS), expected);
  });

  it('with momentum (PyTorch / Sutskever et al. 2013): v ← μv + g, p ← p − lr·v', () => {
    const lr = 0.05;
    const mu = 0.9;
    const expected = reference(
      (p, g, _t, s) => {
        s.v = s.v.map((v, i) => mu * v + g[i]);
        return p.map((x, i) => x - lr * s.v[i]);
      },
      { v: 0 },
    );
    expectTrajectory(trajectory(sgd({ lr, momentum: mu }), START, GRADS), expected);
  });

  it('with Nesterov momentum: v ← μv + g, p ← p − lr·(g + μv)', () => {
    const lr = 0.05;
    const mu = 0.9;
    const expected = reference(
      (p, g, _t, s) => {
        s.v = s.v.map((v, i) => mu * v + g[i]);
        return p.map((x, i) => x - lr * (g[i] + mu * s.v[i]));
      },
      { v: 0 },
    );
    expectTrajectory(trajectory(sgd({ lr, momentum: mu, nesterov: true }), START, GRADS), expected);
  });

  it('with weight decay added to the gradient before momentum', () => {
    const [lr, mu, wd] = [0.05, 0.5, 0.1];
    const expected = reference(
      (p, g, _t, s) => {
        s.v = s.v.map((v, i) => mu * v + (g[i] + wd * p[i]));
        return p.map((x, i) => x - lr * s.v[i]);
      },
      { v: 0 },
    );
    expectTrajectory(trajectory(sgd({ lr, momentum: mu, weightDecay: wd }), START, GRADS), expected);
  });
});

/** Adam, Algorithm 1 of Kingma & Ba (2015). */
function adamRule(lr: number, b1: number, b2: number, eps: number, weightDecay = 0): Rule {
  return (p, g, t, s) => {
    s.m = s.m.map((m, i) => b1 * m + (1 - b1) * g[i]);
    s.v = s.v.map((v, i) => b2 * v + (1 - b2) * g[i] * g[i]);
    return p.map((x, i) => {
      const mHat = s.m[i] / (1 - b1 ** t);
      const vHat = s.v[i] / (1 - b2 ** t);
      // AdamW (Loshchilov & Hutter 2019, as in PyTorch and optax): decay scaled by lr, outside the moments.
      return x - lr * (mHat / (Math.sqrt(vHat) + eps) + weightDecay * x);
    });
  };
}

describe('adam', () => {
  it('follows Algorithm 1 of Kingma & Ba, bias correction included', () => {
    const expected = reference(adamRule(0.01, 0.9, 0.999, 1e-8), { m: 0, v: 0 });
    expectTrajectory(trajectory(adam({ lr: 0.01 }), START, GRADS), expected);
  });

  it('takes a first step of lr·sign(g) exactly because of the bias correction', () => {
    // m̂₁ = g and v̂₁ = g², so the first update is −lr·g / (|g| + eps).
    const [first] = trajectory(adam({ lr: 0.01 }), START, GRADS);
    first.forEach((x, i) => expect(x).toBeCloseTo(START[i] - 0.01 * Math.sign(GRADS[0][i]), 9));
  });

  it('uses its b1, b2 and eps options', () => {
    const expected = reference(adamRule(0.02, 0.8, 0.99, 1e-3), { m: 0, v: 0 });
    expectTrajectory(trajectory(adam({ lr: 0.02, b1: 0.8, b2: 0.99, eps: 1e-3 }), START, GRADS), expected);
  });
});

describe('adamw', () => {
  it('is Adam with decoupled weight decay, scaled by lr', () => {
    const expected = reference(adamRule(0.01, 0.9, 0.999, 1e-8, 0.1), { m: 0, v: 0 });
    expectTrajectory(trajectory(adamw({ lr: 0.01, weightDecay: 0.1 }), START, GRADS), expected);
  });
});

describe('rmsprop', () => {
  it('divides by the root of a running mean square: v ← ρv + (1 − ρ)g², p ← p − lr·g / (√v + eps)', () => {
    const [lr, rho, eps] = [0.01, 0.9, 1e-8];
    const expected = reference(
      (p, g, _t, s) => {
        s.v = s.v.map((v, i) => rho * v + (1 - rho) * g[i] * g[i]);
        return p.map((x, i) => x - (lr * g[i]) / (Math.sqrt(s.v[i]) + eps));
      },
      { v: 0 },
    );
    expectTrajectory(trajectory(rmsprop({ lr }), START, GRADS), expected);
  });
});

describe('adagrad', () => {
  it('divides by the root of all squared gradients so far, from an accumulator of 0.1', () => {
    const [lr, eps] = [0.1, 1e-7];
    const expected = reference(
      (p, g, _t, s) => {
        s.acc = s.acc.map((a, i) => a + g[i] * g[i]);
        return p.map((x, i) => x - (lr * g[i]) / (Math.sqrt(s.acc[i]) + eps));
      },
      { acc: 0.1 },
    );
    expectTrajectory(trajectory(adagrad({ lr }), START, GRADS), expected);
  });
});

describe('adamax', () => {
  it('uses the infinity norm: u ← max(b2·u, |g| + eps), p ← p − lr/(1 − b1ᵗ)·m/u', () => {
    const [lr, b1, b2, eps] = [0.002, 0.9, 0.999, 1e-8];
    const expected = reference(
      (p, g, t, s) => {
        s.m = s.m.map((m, i) => b1 * m + (1 - b1) * g[i]);
        s.u = s.u.map((u, i) => Math.max(b2 * u, Math.abs(g[i]) + eps));
        return p.map((x, i) => x - ((lr / (1 - b1 ** t)) * s.m[i]) / s.u[i]);
      },
      { m: 0, u: 0 },
    );
    expectTrajectory(trajectory(adamax({ lr }), START, GRADS), expected);
  });
});

describe('lion', () => {
  it('steps by the sign of b1·m + (1 − b1)·g, then m ← b2·m + (1 − b2)·g (Chen et al. 2023, Algorithm 2)', () => {
    const [lr, b1, b2, wd] = [0.001, 0.9, 0.99, 0.5];
    const expected = reference(
      (p, g, _t, s) => {
        const c = s.m.map((m, i) => b1 * m + (1 - b1) * g[i]);
        s.m = s.m.map((m, i) => b2 * m + (1 - b2) * g[i]);
        return p.map((x, i) => x - lr * (Math.sign(c[i]) + wd * x));
      },
      { m: 0 },
    );
    expectTrajectory(trajectory(lion({ lr, weightDecay: wd }), START, GRADS), expected);
  });
});

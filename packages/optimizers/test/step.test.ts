// The fused step (update and apply in one) against the two-step path it replaces: the same bits.
import { ones, sum, tensor, uniform, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  adagrad, adam, adamax, adamw, applyIfFinite, applyStep, applyUpdates, chain, clipByGlobalNorm, identity, lion, rmsprop, scaleByLearningRate, sgd,
  warmupCosineDecaySchedule, type GradientTransformation, type OptState, type Params,
} from '../src/index.js';

const shapes = { 'dense/kernel': [7, 5], 'dense/bias': [5] } as const;

function randomParams(seed: number): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(shapes).map(([name, shape], i) => [name, uniform(shape, -1, 1, { seed: seed + i })]));
}

/** Float32 parameters after `steps` steps of `optimizer`, and its final state: fused or two-step. */
function run(optimizer: GradientTransformation, fused: boolean, steps = 5): { params: Params; state: OptState } {
  const params = randomParams(1);
  let state = optimizer.init(params);
  for (let step = 0; step < steps; step++) {
    const grads = randomParams(100 + 10 * step);
    if (fused) state = applyStep(optimizer, grads, state, params);
    else {
      const result = optimizer.update(grads, state, params);
      applyUpdates(params, result.updates);
      state = result.state;
    }
  }
  return { params, state };
}

const values = (params: Params): Record<string, number[]> => Object.fromEntries(Object.entries(params).map(([name, t]) => [name, Array.from(t.values)]));

const optimizers: [string, GradientTransformation][] = [
  ['sgd', sgd({ lr: 0.1 })],
  ['sgd, momentum, weight decay', sgd({ lr: 0.05, momentum: 0.9, weightDecay: 1e-3 })],
  ['sgd, Nesterov', sgd({ lr: 0.05, momentum: 0.8, nesterov: true })],
  ['adam, scheduled lr', adam({ lr: warmupCosineDecaySchedule({ peak: 0.01, warmupSteps: 2, decaySteps: 5 }) })],
  ['adamw', adamw({ lr: 0.01, weightDecay: 0.1 })],
  ['rmsprop, momentum', rmsprop({ lr: 0.01, momentum: 0.5 })],
  ['adagrad', adagrad()],
  ['adamax', adamax()],
  ['lion', lion({ weightDecay: 0.01 })],
];

describe('applyStep', () => {
  for (const [name, optimizer] of optimizers) {
    it(`${name}: the fused step gives the two-step path's parameters and state, bit for bit`, () => {
      expect(typeof optimizer.step, 'every built-in optimizer has a fused step').toBe('function');
      const fused = run(optimizer, true);
      const twoStep = run(optimizer, false);
      expect(values(fused.params)).toEqual(values(twoStep.params));
      expect(JSON.stringify(fused.state, (_k, v: unknown) => (v instanceof Object && 'values' in v ? Array.from((v as Tensor).values) : v))).toBe(
        JSON.stringify(twoStep.state, (_k, v: unknown) => (v instanceof Object && 'values' in v ? Array.from((v as Tensor).values) : v)),
      );
      // and it moved them
      expect(values(fused.params)).not.toEqual(values(randomParams(1)));
    });
  }

  it('a chain has a step only when its last member does; wrappers fall back to update + applyUpdates', () => {
    expect(typeof chain(clipByGlobalNorm(1), scaleByLearningRate(0.1)).step).toBe('function');
    expect(typeof chain(scaleByLearningRate(0.1), identity()).step).toBe('undefined');
    const guarded = applyIfFinite(sgd({ lr: 0.1 }));
    expect(typeof guarded.step).toBe('undefined');
    expect(values(run(guarded, true).params)).toEqual(values(run(guarded, false).params));
  });

  it('names a parameter the step has no value for, and one it does not know', () => {
    const params = randomParams(1);
    const grads = randomParams(2);
    const optimizer = sgd({ lr: 0.1 });
    const state = optimizer.init(params);
    expect(() => applyStep(optimizer, { 'dense/kernel': grads['dense/kernel'] }, state, params)).toThrow("applyStep: step() returned no new value for parameter 'dense/bias' of shape [5] (float32)");
    expect(() => optimizer.step?.(grads, state, { 'dense/kernel': params['dense/kernel'] })).toThrow(/'dense\/bias' but no parameter for it/);
  });
});

describe('what update() and step() return is checked before any parameter changes', () => {
  const who = "optimizer 'acme/bad' (@acme/opt@1.0.0)";
  /** A transformation whose update returns `make(grads)`, and no fused step. */
  const returning = (make: (grads: Params) => unknown): GradientTransformation => ({
    init: () => null,
    update: (grads) => make(grads) as { updates: Params; state: null },
  });
  const mapped = (grads: Params, f: (g: Tensor) => unknown): Record<string, unknown> => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, f(g)]));
  const attempt = (optimizer: GradientTransformation): { error: Error; before: Record<string, number[]>; after: Record<string, number[]> } => {
    const params = randomParams(1);
    const before = values(params);
    try {
      applyStep(optimizer, randomParams(2), null, params, undefined, who);
    } catch (error) {
      return { error: error as Error, before, after: values(params) };
    }
    throw new Error('expected an error');
  };

  it('a scalar or a row where a [7, 5] kernel is updated is refused, not broadcast', () => {
    const scalar = attempt(returning((g) => ({ updates: mapped(g, (v) => sum(v)), state: null })));
    expect(scalar.error.message).toBe(
      `${who}: the update for parameter 'dense/kernel' has shape [], but the parameter has shape [7, 5]; ` +
        "update() must return one Tensor per parameter, each of exactly its parameter's shape and dtype (it is not broadcast)",
    );
    expect(scalar.after).toEqual(scalar.before);
    const row = attempt(returning((g) => ({ updates: mapped(g, (v) => (v.rank === 2 ? sum(v, { axis: 0, keepDims: true }) : v)), state: null })));
    expect(row.error.message).toContain("the update for parameter 'dense/kernel' has shape [1, 5], but the parameter has shape [7, 5]");
    const unbroadcastable = attempt(returning((g) => ({ updates: mapped(g, () => ones([3])), state: null })));
    expect(unbroadcastable.error.message).toContain(`${who}: the update for parameter 'dense/kernel' has shape [3], but the parameter has shape [7, 5]`);
  });

  it('a number, another dtype, a missing or an extra update names the parameter', () => {
    expect(attempt(returning((g) => ({ updates: mapped(g, () => 0.5), state: null }))).error.message).toBe(
      `${who}: the update for parameter 'dense/kernel' is the number 0.5; update() must return one Tensor per parameter, each of exactly its parameter's shape and dtype: here [7, 5] (float32)`,
    );
    const float64 = attempt(returning((g) => ({ updates: mapped(g, (v) => tensor(Array.from(v.values), [...v.shape], { dtype: 'float64' })), state: null })));
    expect(float64.error.message).toContain("the update for parameter 'dense/kernel' is float64, but the parameter is float32");
    expect(attempt(returning(() => ({ updates: {}, state: null }))).error.message).toContain(`${who}: update() returned no update for parameter 'dense/kernel' of shape [7, 5] (float32)`);
    const extra = attempt(returning((g) => ({ updates: { ...g, 'ghost/kernel': ones([3]) }, state: null })));
    expect(extra.error.message).toContain(`${who}: update() returned an update for 'ghost/kernel', which is not among the parameters (dense/kernel, dense/bias)`);
    expect(extra.after).toEqual(extra.before);
  });

  it('update() must return { updates, state }', () => {
    expect(attempt(returning((g) => ({ state: g }))).error.message).toBe(
      `${who}: update() returned { state } without updates; it must return { updates, state } (updates: one Tensor per parameter; state: the next optimizer state)`,
    );
    expect(attempt(returning((g) => ({ updates: g }))).error.message).toContain(`${who}: update() returned { updates } without state;`);
    expect(attempt(returning(() => undefined)).error.message).toContain(`${who}: update() returned undefined; it must return { updates, state }`);
    expect(attempt(returning(() => ({ updates: [1, 2], state: null }))).error.message).toContain(`${who}: update() returned updates that are an array of 2;`);
  });

  it("a fused step's new values are checked the same way", () => {
    const fused: GradientTransformation = { init: () => null, update: () => ({ updates: {}, state: null }), step: (grads) => ({ params: mapped(grads, (v) => sum(v)) as Params, state: null }) };
    expect(attempt(fused).error.message).toContain(`${who}: the new value for parameter 'dense/kernel' has shape [], but the parameter has shape [7, 5]; step() must return`);
  });

  it('applyUpdates on its own checks the shapes too, naming itself', () => {
    const params = randomParams(1);
    expect(() => applyUpdates(params, { 'dense/kernel': ones([1]), 'dense/bias': ones([5]) })).toThrow(
      "applyUpdates: the update for parameter 'dense/kernel' has shape [1], but the parameter has shape [7, 5]",
    );
  });
});

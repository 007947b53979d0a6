import { tensor, zeros, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  adagrad, adam, adamax, adamw, addDecayedWeights, applyIfFinite, applyUpdates, chain, clipByGlobalNorm, clipByValue, gradsOf, lion,
  optimizerStep, reduceOnPlateau, rmsprop, scaleByAdam, scaleByLearningRate, sgd, type GradientTransformation,
} from '../src/index.js';
import { f64 } from './helpers.js';

const valuesOf = (t: Tensor): number[] => Array.from(t.values);
const nonFinite = (values: number[]): Tensor => tensor(values, undefined, { allowNonFinite: true });

describe('a zero gradient', () => {
  const optimizers: [string, GradientTransformation][] = [
    ['sgd', sgd({ lr: 0.1 })],
    ['sgd with momentum', sgd({ lr: 0.1, momentum: 0.9, nesterov: true })],
    ['adam', adam()],
    ['adamw without decay', adamw({ weightDecay: 0 })],
    ['rmsprop', rmsprop({ momentum: 0.5 })],
    ['adagrad', adagrad()],
    ['adamax', adamax()],
    ['lion', lion()],
  ];

  it.each(optimizers)('leaves the parameters of %s unchanged, bit for bit', (_name, optimizer) => {
    const w = tensor([[1.5, -2.25], [0, 3e-8]]);
    const before = valuesOf(w);
    const params = { w };
    let state = optimizer.init(params);
    for (let step = 0; step < 5; step++) {
      const result = optimizer.update({ w: zeros([2, 2]) }, state, params);
      state = result.state;
      applyUpdates(params, result.updates);
    }
    expect(valuesOf(w)).toEqual(before);
  });
});

describe('chain', () => {
  it('feeds each transformation the previous one’s updates and keeps their states in order', () => {
    const optimizer = chain(scaleByAdam(), scaleByLearningRate(0.5));
    const params = { w: f64([1, 2]) };
    const state = optimizer.init(params);
    // The tuple of states is typed: [AdamState, LearningRateState].
    expect(state[0].count).toBe(0);
    expect(state[1].count).toBe(0);
    const { updates, state: next } = optimizer.update({ w: f64([3, -4]) }, state, params);
    expect(next[0].count).toBe(1);
    expect(next[1].count).toBe(1);
    valuesOf(updates.w).forEach((u, i) => expect(u).toBeCloseTo(-0.5 * Math.sign([3, -4][i]), 8));
  });

  it('does not change the state it was given (update is pure)', () => {
    const optimizer = adam();
    const params = { w: f64([1, 2]) };
    const state = optimizer.init(params);
    const copy = JSON.stringify(state);
    optimizer.update({ w: f64([1, 1]) }, state, params);
    expect(JSON.stringify(state)).toBe(copy);
  });

  it('names a parameter that init never saw', () => {
    const optimizer = adam();
    const state = optimizer.init({ w: f64([1]) });
    expect(() => optimizer.update({ w: f64([1]), b: f64([1]) }, state)).toThrow(
      "scaleByAdam: there is a gradient for parameter 'b' but no first moment for it; pass every trained parameter to init(params) and the same ones to update",
    );
  });
});

describe('addDecayedWeights', () => {
  it('adds weightDecay·p and needs the parameters', () => {
    const decay = addDecayedWeights(0.1);
    const params = { w: f64([2, -4]) };
    expect(valuesOf(decay.update({ w: f64([1, 1]) }, null, params).updates.w)).toEqual([1.2, 0.6]);
    expect(() => decay.update({ w: f64([1, 1]) }, null)).toThrow('addDecayedWeights: needs the parameters; call update(grads, state, params)');
  });

  it('does not record a graph on parameters that require gradients', () => {
    const w = tensor([1, 2]).requireGrad();
    const { updates } = addDecayedWeights(0.5).update({ w: tensor([0, 0]) }, null, { w });
    expect(updates.w.requiresGrad).toBe(false);
    expect(updates.w.node).toBeNull();
  });
});

describe('clipByGlobalNorm', () => {
  it('reports the norm before clipping and scales every gradient by maxNorm / norm', () => {
    // ‖(3, 4, 12)‖ = 13.
    const clipper = clipByGlobalNorm(6.5);
    const { updates, state } = clipper.update({ a: f64([3, 4]), b: f64([12]) }, clipper.init({}));
    expect(state.globalNorm).toBe(13);
    expect(valuesOf(updates.a)).toEqual([1.5, 2]);
    expect(valuesOf(updates.b)).toEqual([6]);
  });

  it('leaves gradients within the limit alone, still reporting their norm', () => {
    const clipper = clipByGlobalNorm(20);
    const grads = { a: f64([3, 4]), b: f64([12]) };
    const { updates, state } = clipper.update(grads, clipper.init({}));
    expect(state.globalNorm).toBe(13);
    expect(updates).toBe(grads);
    expect(clipper.init({}).globalNorm).toBeNull();
  });
});

describe('clipByValue', () => {
  it('clamps each entry, to [−limit, limit] or [low, high]', () => {
    expect(valuesOf(clipByValue(1).update({ g: f64([-3, 0.5, 2]) }, null).updates.g)).toEqual([-1, 0.5, 1]);
    expect(valuesOf(clipByValue(-0.5, 2).update({ g: f64([-3, 0.5, 3]) }, null).updates.g)).toEqual([-0.5, 0.5, 2]);
    expect(() => clipByValue(1, -1)).toThrow('clipByValue: the range [1, -1] is empty');
  });
});

describe('applyIfFinite', () => {
  it('skips a step with NaN or Infinity, keeping the inner state, and counts it', () => {
    const optimizer = applyIfFinite(adam({ lr: 0.1 }));
    const params = { w: tensor([1, 2]) };
    let state = optimizer.init(params);
    const step = (g: Tensor): void => {
      const result = optimizer.update({ w: g }, state, params);
      state = result.state;
      applyUpdates(params, result.updates);
    };
    step(tensor([1, 1]));
    const afterGood = valuesOf(params.w);
    const innerAfterGood = state.inner;
    step(nonFinite([NaN, 1]));
    step(nonFinite([1, Infinity]));
    expect(valuesOf(params.w)).toEqual(afterGood);
    expect(state.inner).toBe(innerAfterGood);
    expect(state.skipped).toBe(2);
    expect(state.consecutiveSkips).toBe(2);
    step(tensor([1, 1]));
    expect(valuesOf(params.w).every((v, i) => v < afterGood[i])).toBe(true);
    expect(state.skipped).toBe(2);
    expect(state.consecutiveSkips).toBe(0);
  });

  it('also skips when the inner transformation produces a non-finite update', () => {
    const overflowing = applyIfFinite(scaleByLearningRate(1e38));
    const { updates, state } = overflowing.update({ w: tensor([1e3]) }, overflowing.init({}));
    expect(valuesOf(updates.w)).toEqual([0]);
    expect(state.skipped).toBe(1);
  });

  it('without an inner transformation, zeroes the bad updates that reach it', () => {
    const guard = applyIfFinite();
    const { updates, state } = guard.update({ w: nonFinite([NaN]) }, guard.init({}));
    expect(valuesOf(updates.w)).toEqual([0]);
    expect(state.skipped).toBe(1);
  });
});

describe('reduceOnPlateau', () => {
  it('scales updates by factor after `patience` reports without improvement', () => {
    const plateau = reduceOnPlateau({ factor: 0.5, patience: 2 });
    let state = plateau.init({});
    const scales: number[] = [];
    for (const metric of [1, 0.9, 0.95, 0.92, 0.91, 0.5, 0.6, 0.7]) {
      const result = plateau.update({ g: f64([2]) }, state, undefined, { metric });
      state = result.state;
      scales.push(result.updates.g.item() / 2);
    }
    // 0.95 and 0.92 fail to beat 0.9: halve. 0.91 once, then 0.5 improves; 0.6, 0.7: halve again.
    expect(scales).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
    expect(state.best).toBe(0.5);
  });

  it('only applies the scale on updates without a metric, and honours cooldown and minScale', () => {
    const plateau = reduceOnPlateau({ factor: 0.1, patience: 1, cooldown: 1, minScale: 0.05 });
    let state = plateau.init({});
    const scaleAfter = (metric?: number): number => {
      const result = plateau.update({ g: f64([1]) }, state, undefined, metric === undefined ? undefined : { metric });
      state = result.state;
      return state.scale;
    };
    expect([scaleAfter(1), scaleAfter(2), scaleAfter(), scaleAfter(3), scaleAfter(4), scaleAfter(5)]).toEqual([1, 0.1, 0.1, 0.1, 0.05, 0.05]);
  });
});

describe('optimizerStep', () => {
  it('reads .grad, applies the update in place and clears the gradients', () => {
    const w = tensor([1, -1]).requireGrad();
    w.grad = tensor([0.5, 0.5]);
    const optimizer = sgd({ lr: 0.1 });
    const state = optimizerStep(optimizer, { w }, optimizer.init({ w }));
    expect(valuesOf(w)).toEqual([Math.fround(0.95), Math.fround(-1.05)]);
    expect(w.grad).toBeNull();
    expect(w.requiresGrad).toBe(true);
    expect(() => optimizerStep(optimizer, { w }, state)).toThrow("parameter 'w' has no gradient");
    expect(() => gradsOf({ w })).toThrow('leave frozen parameters out of the optimizer');
  });

  it('applyUpdates refuses updates that do not match the parameters', () => {
    expect(() => applyUpdates({ w: f64([1]) }, {})).toThrow("applyUpdates: update() returned no update for parameter 'w' of shape [1] (float64)");
    expect(() => applyUpdates({ w: f64([1]) }, { w: f64([1]), b: f64([1]) })).toThrow("applyUpdates: update() returned an update for 'b', which is not among the parameters (w)");
  });
});

describe('options', () => {
  it('are checked, naming the optimizer and the option', () => {
    expect(() => adam({ lr: -1 })).toThrow('adam: lr must be a positive number, got -1');
    expect(() => adam({ b1: 1 })).toThrow('scaleByAdam: b1 must be in [0, 1), got 1');
    expect(() => sgd({ nesterov: true })).toThrow('sgd: nesterov needs a momentum above 0');
    expect(() => sgd({ momentum: 1.5 })).toThrow('sgd: momentum must be in [0, 1), got 1.5');
  });
});

// The fused step (update and apply in one) against the two-step path it replaces: the same bits.
import { uniform, type Tensor } from '@keel/tensor';
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
    expect(() => applyStep(optimizer, { 'dense/kernel': grads['dense/kernel'] }, state, params)).toThrow("applyStep: no new value for parameter 'dense/bias'");
    expect(() => optimizer.step?.(grads, state, { 'dense/kernel': params['dense/kernel'] })).toThrow(/'dense\/bias' but no parameter for it/);
  });
});

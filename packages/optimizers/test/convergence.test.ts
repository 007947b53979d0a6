// Each optimizer minimises a convex, badly conditioned quadratic within a step budget, with
// gradients from autograd, as a training loop gets them.
import { mul, square, sub, sum, tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { adagrad, adam, adamax, adamw, lion, optimizerStep, rmsprop, sgd, warmupCosineDecaySchedule, type GradientTransformation } from '../src/index.js';

/** f(w) = ½ Σ aᵢ(wᵢ − cᵢ)², minimum at c; curvatures 0.5 to 10 (condition number 20). */
const curvature = tensor([0.5, 1, 10], undefined, { dtype: 'float64' });
const optimum = [3, -2, 0.5];
const budget = 500;
const decaying = (peak: number) => warmupCosineDecaySchedule({ peak, warmupSteps: 10, decaySteps: budget });

function minimise(optimizer: GradientTransformation): number[] {
  const w = tensor([0, 0, 0], undefined, { dtype: 'float64' }).requireGrad();
  const target = tensor(optimum, undefined, { dtype: 'float64' });
  let state = optimizer.init({ w });
  for (let step = 0; step < budget; step++) {
    mul(sum(mul(curvature, square(sub(w, target)))), 0.5).backward();
    state = optimizerStep(optimizer, { w }, state);
  }
  return Array.from(w.values);
}

const cases: [string, GradientTransformation, number][] = [
  ['sgd', sgd({ lr: 0.15 }), 1e-6],
  ['sgd with momentum', sgd({ lr: 0.02, momentum: 0.9 }), 1e-6],
  ['sgd with Nesterov momentum', sgd({ lr: 0.02, momentum: 0.9, nesterov: true }), 1e-6],
  ['adam', adam({ lr: decaying(0.1) }), 1e-3],
  ['adamw (no decay)', adamw({ lr: decaying(0.1), weightDecay: 0 }), 1e-3],
  ['rmsprop', rmsprop({ lr: decaying(0.05) }), 1e-3],
  ['adagrad', adagrad({ lr: 0.5 }), 1e-3],
  ['adamax', adamax({ lr: decaying(0.1) }), 1e-3],
  ['lion', lion({ lr: decaying(0.05) }), 1e-3],
];

describe(`minimising a convex quadratic within ${budget} steps`, () => {
  it.each(cases)('%s gets within tolerance of the minimum', (_name, optimizer, tolerance) => {
    const w = minimise(optimizer);
    w.forEach((value, i) => expect(Math.abs(value - optimum[i])).toBeLessThan(tolerance));
  });
});

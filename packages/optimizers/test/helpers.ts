import { tensor, type Tensor } from '@keel/tensor';
import { applyUpdates, type GradientTransformation, type OptState, type UpdateExtras } from '../src/index.js';

export function f64(values: number[]): Tensor {
  return tensor(values, undefined, { dtype: 'float64' });
}

/**
 * Runs an optimizer on one float64 parameter 'w' with a fixed sequence of gradients and returns
 * the parameter after each step.
 */
export function trajectory(optimizer: GradientTransformation, start: number[], grads: number[][], extras?: UpdateExtras): number[][] {
  const params = { w: f64(start) };
  let state: OptState = optimizer.init(params);
  return grads.map((g) => {
    const result = optimizer.update({ w: f64(g) }, state, params, extras);
    state = result.state;
    applyUpdates(params, result.updates);
    return Array.from(params.w.values);
  });
}

/** Gradients for 6 steps of a 3-parameter model: varied signs and sizes, including a sign flip. */
export const GRADS: number[][] = [
  [0.5, -1.2, 2],
  [0.4, -0.8, -1],
  [0.1, 0.3, 0.5],
  [-0.6, 0.2, 1.5],
  [0.9, -0.1, -0.2],
  [0.3, 0.7, 0.05],
];

export const START = [1, -0.5, 0.25];

export function expectTrajectory(actual: number[][], expected: number[][], digits = 12): void {
  if (actual.length !== expected.length) throw new Error(`${actual.length} steps, expected ${expected.length}`);
  actual.forEach((row, step) =>
    row.forEach((value, i) => {
      const want = expected[step][i];
      if (!(Math.abs(value - want) <= 10 ** -digits * Math.max(1, Math.abs(want)))) {
        throw new Error(`step ${step + 1}, parameter ${i}: got ${value}, expected ${want}`);
      }
    }),
  );
}

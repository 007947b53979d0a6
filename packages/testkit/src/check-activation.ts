import { createActivation, type Activation } from '@keel/activations';
import { gradcheck, mean, noGrad, normal, slice, square, sum, tensor, type Tensor } from '@keel/tensor';
import { formatConfig } from './format-config.js';
import { allFinite, maxRelativeDifference } from './numeric.js';
import { registryOf, type EntrySource } from './registry-with.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

export interface ActivationCheckOptions {
  /** Config for the activation (e.g. `{ alpha: 0.2 }`). */
  config?: Readonly<Record<string, number | string | boolean>>;
  /** Allowed relative gap between the declared gain and the measured one (default 0.05). */
  gainTolerance?: number;
  /** Seed of the random points. */
  seed?: number;
}

/** Random float64 points, nudged away from the activation's kinks so derivatives exist. */
function pointsAwayFromKinks(activation: Activation, shape: number[], seed: number): Tensor {
  const x = normal(shape, 0, 2, { seed, dtype: 'float64' });
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    for (const kink of activation.kinks) if (Math.abs(values[i] - kink) < 0.05) values[i] = kink + 0.1;
  }
  return tensor(values, shape, { dtype: 'float64' });
}

/**
 * Runs the conformance checks on one activation: gradcheck, stress inputs, no mutation,
 * batch invariance and the declared gain. Returns a report (see `testActivation` for vitest).
 */
export function checkActivation(id: string, options: ActivationCheckOptions & EntrySource = {}): CheckReport {
  const registry = registryOf(options);
  const seed = options.seed ?? 7;
  const activation = createActivation(registry, { id: registry.idOf('activation', id), ...(options.config ?? {}) });
  const results: CheckResult[] = [];

  results.push(
    attempt('gradient matches finite differences (float64)', () => {
      const x = pointsAwayFromKinks(activation, [4, 6], seed);
      const outcome = gradcheck((input) => activation.apply(input), [x], { atol: 1e-6, rtol: 1e-4 });
      return { check: 'gradient matches finite differences (float64)', ok: outcome.ok, message: outcome.message };
    }),
  );

  results.push(
    attempt('finite outputs and gradients on stress inputs (±1e2, ±1e4, ±1e-30, 0)', () => {
      const x = tensor([[1e2, -1e2, 1e4, -1e4, 1e-30, -1e-30, 0]]).requireGrad();
      const y = activation.apply(x);
      const badOut = allFinite(y.values);
      sum(y).backward();
      const badGrad = allFinite(x.grad!.values);
      const inputs = [1e2, -1e2, 1e4, -1e4, 1e-30, -1e-30, 0];
      if (badOut >= 0) return { check: 'stress', ok: false, message: `f(${inputs[badOut]}) = ${y.values[badOut]}` };
      if (badGrad >= 0) return { check: 'stress', ok: false, message: `the gradient at ${inputs[badGrad]} is ${x.grad!.values[badGrad]}` };
      return 'outputs and gradients are finite';
    }),
  );

  results.push(
    attempt('inputs are never mutated', () => {
      const x = normal([3, 5], 0, 3, { seed: seed + 1 }).requireGrad();
      const before = x.dataSync();
      sum(activation.apply(x)).backward();
      const { error, index } = maxRelativeDifference(x.values, before);
      return error === 0 ? 'the input is unchanged' : { check: 'no mutation', ok: false, message: `input element ${index} changed from ${before[index]} to ${x.values[index]}` };
    }),
  );

  results.push(
    attempt('batch invariance: row i of f(batch) equals f(row i)', () => {
      const x = normal([5, 7], 0, 2, { seed: seed + 2 });
      const whole = noGrad(() => activation.apply(x));
      for (let row = 0; row < 5; row++) {
        const single = noGrad(() => activation.apply(slice(x, [row, 0], [1, 7])));
        const { error, index } = maxRelativeDifference(single.values, slice(whole, [row, 0], [1, 7]).values);
        if (error > 1e-6) return { check: 'batch invariance', ok: false, message: `row ${row}, column ${index} differs by ${error.toExponential(2)}` };
      }
      return 'each row is computed on its own';
    }),
  );

  if (activation.rowwise !== true && activation.gainIsConvention !== true) {
    results.push(
      attempt(`declared gain ${activation.gain.toFixed(4)} matches √(1/E[f(x)²]) for x ~ N(0, 1)`, () => {
        const x = normal([200_000], 0, 1, { seed: seed + 3, dtype: 'float64' });
        const measured = Math.sqrt(1 / noGrad(() => mean(square(activation.apply(x)))).item());
        const gap = Math.abs(activation.gain / measured - 1);
        const tolerance = options.gainTolerance ?? 0.05;
        return {
          check: 'gain',
          ok: gap <= tolerance,
          message: `declared ${activation.gain.toFixed(4)}, measured ${measured.toFixed(4)} (${(gap * 100).toFixed(1)}% apart, tolerance ${(tolerance * 100).toFixed(0)}%)`,
        };
      }),
    );
  }

  return report(`activation '${id}' ${formatConfig(options.config ?? {})}`, results);
}

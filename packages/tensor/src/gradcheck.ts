import { valueAndGrad } from './autograd/functional.js';
import { noGrad } from './autograd/mode.js';
import { mul } from './ops/elementwise.js';
import { normal } from './ops/creation.js';
import { cast } from './ops/layout.js';
import { sum } from './ops/reduce.js';
import { Tensor } from './tensor.js';

export interface GradcheckOptions {
  /** Central-difference step. */
  eps?: number;
  /** Pass when |analytic − numeric| <= atol + rtol·|numeric| for every element. */
  atol?: number;
  rtol?: number;
  /** Seed of the random projection used when f returns more than one value. */
  seed?: number;
}

export interface GradcheckWorst {
  /** Which input and which flat element. */
  readonly input: number;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  readonly error: number;
}

export interface GradcheckResult {
  readonly ok: boolean;
  /** The element furthest outside tolerance (or the closest to it when all pass). */
  readonly worst: GradcheckWorst | undefined;
  readonly message: string;
}

/**
 * Compares autograd's gradients of `f` with central differences, in float64. A non-scalar
 * output is projected onto a fixed random direction r (checking Jᵀr, as a full Jacobian would).
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const xs = inputs.map((x) => cast(x.detach(), 'float64').detach());
  const probe = noGrad(() => f(...xs));
  const direction = probe.size === 1 ? undefined : normal(probe.shape, 0, 1, { seed: options.seed ?? 1234, dtype: 'float64' });
  const scalarF = (...args: Tensor[]): Tensor => {
    const out = f(...args);
    return direction === undefined ? sum(out) : sum(mul(out, direction));
  };
  const { grads } = valueAndGrad(scalarF)(...xs);
  let worst: GradcheckWorst | undefined;
  let worstExcess = -Infinity;
  for (let k = 0; k < xs.length; k++) {
    const base = xs[k].dataSync() as Float64Array;
    const analytic = cast(grads[k], 'float64').values;
    for (let i = 0; i < base.length; i++) {
      const evaluate = (delta: number): number => {
        const shifted = base.slice();
        shifted[i] += delta;
        const args = xs.map((x, j) => (j === k ? Tensor.fromValues(shifted, x.shape, 'float64') : x));
        return noGrad(() => scalarF(...args).item());
      };
      const numeric = (evaluate(eps) - evaluate(-eps)) / (2 * eps);
      const error = Math.abs(analytic[i] - numeric);
      const excess = error - (atol + rtol * Math.abs(numeric));
      if (excess > worstExcess || Number.isNaN(error)) {
        worstExcess = Number.isNaN(error) ? Infinity : excess;
        worst = { input: k, index: i, analytic: analytic[i], numeric, error };
      }
    }
  }
  const ok = worst === undefined || worstExcess <= 0;
  const message =
    worst === undefined
      ? 'gradcheck: no inputs to check'
      : `gradcheck ${ok ? 'passed' : 'FAILED'}: worst element is input ${worst.input} index ${worst.index}: analytic ${worst.analytic} vs numeric ${worst.numeric} (|diff| ${worst.error.toExponential(2)}, tolerance ${(atol + rtol * Math.abs(worst.numeric)).toExponential(2)})`;
  return { ok, worst, message };
}

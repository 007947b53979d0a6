import { applyUpdates, createOptimizer, deserializeState, serializeState, type GradientTransformation, type OptimizerConfig, type OptState, type Params } from '@keel/optimizers';
import { add, matmul, mean, mul, noGrad, normal, Random, sigmoid, softplus, sub, tanh, tensor, type Tensor } from '@keel/tensor';
import { formatConfig } from './format-config.js';
import { purityCheck } from './optimizer-purity.js';
import { registryOf, type EntrySource } from './registry-with.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

export interface OptimizerCheckOptions {
  /** True when the optimizer decays weights, so a zero gradient may move parameters. */
  decaysWeights?: boolean;
  /** Steps allowed to bring the convex quadratic within 1e-2 of its minimum (default 500). */
  quadraticBudget?: number;
  /** Steps allowed to solve XOR (default 3,000). */
  xorBudget?: number;
  /**
   * A reference trajectory written from the optimizer's published definition: the value of a
   * single parameter, starting at 1, after each of 10 steps on f(w) = w²/2 (gradient w).
   */
  reference?: readonly number[];
}

function step(optimizer: GradientTransformation, params: Params, state: OptState, grads: Params): OptState {
  const { updates, state: next } = optimizer.update(grads, state, params);
  applyUpdates(params, updates);
  return next;
}

/** Runs `steps` steps on ½‖w − target‖² and returns the parameter values after each. */
function quadraticRun(optimizer: GradientTransformation, steps: number, start: OptState | undefined, w: Tensor): { trajectory: number[][]; state: OptState } {
  const target = tensor([3, -1, 0.5], undefined, { dtype: 'float64' });
  const params: Params = { w };
  let state = start ?? optimizer.init(params);
  const trajectory: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const grad = noGrad(() => sub(w, target));
    state = step(optimizer, params, state, { w: grad });
    trajectory.push(Array.from(w.values));
  }
  return { trajectory, state };
}

/** The optimizer under test by id: where to find it, and the configuration to create it with. */
export interface OptimizerByIdOptions extends OptimizerCheckOptions, EntrySource {
  /** Options for `createOptimizer` (default `{}`: every option at its default). */
  config?: OptimizerConfig;
}

/**
 * Conformance checks for an optimizer: `init`, `update` and `step` never change their arguments
 * (parameters, gradients, state), a zero gradient leaves parameters unchanged, saved and
 * restored state continues the same trajectory, it converges on a convex quadratic and on XOR
 * within a budget, and it matches an optional hand-computed reference trajectory.
 *
 * By id, as registered: `checkOptimizer('acme/signum', { plugin, config: { lr: 0.01 } })`.
 * A transformation that is not registered is checked through a factory:
 * `checkOptimizer('my chain', () => chain(...), options)`.
 */
export function checkOptimizer(id: string, options?: OptimizerByIdOptions): CheckReport;
export function checkOptimizer(name: string, create: () => GradientTransformation, options?: OptimizerCheckOptions): CheckReport;
export function checkOptimizer(name: string, second?: OptimizerByIdOptions | (() => GradientTransformation), third: OptimizerCheckOptions = {}): CheckReport {
  if (typeof second === 'function') return runChecks(`optimizer '${name}'`, second, third);
  const options = second ?? {};
  const registry = registryOf(options);
  const config = options.config ?? {};
  return runChecks(`optimizer '${name}' ${formatConfig(config)}`, () => createOptimizer(registry, registry.idOf('optimizer', name), config), options);
}

function runChecks(subject: string, create: () => GradientTransformation, options: OptimizerCheckOptions): CheckReport {
  const results: CheckResult[] = [purityCheck(create)];

  if (options.decaysWeights !== true) {
    results.push(
      attempt('a zero gradient leaves parameters unchanged', () => {
        const optimizer = create();
        const w = tensor([1, -2, 3], undefined, { dtype: 'float64' });
        const params: Params = { w };
        let state = optimizer.init(params);
        for (let i = 0; i < 5; i++) state = step(optimizer, params, state, { w: tensor([0, 0, 0], undefined, { dtype: 'float64' }) });
        const moved = Array.from(w.values).some((v, i) => v !== [1, -2, 3][i]);
        return moved ? { check: '', ok: false, message: `parameters moved to [${Array.from(w.values).join(', ')}]` } : 'parameters stayed put';
      }),
    );
  }

  results.push(
    attempt('state saved at step 5 and restored resumes the same trajectory, bit for bit', () => {
      const straight = quadraticRun(create(), 10, undefined, tensor([0, 0, 0], undefined, { dtype: 'float64' })).trajectory;
      const w = tensor([0, 0, 0], undefined, { dtype: 'float64' });
      const optimizer = create();
      const first = quadraticRun(optimizer, 5, undefined, w);
      const restored = deserializeState<OptState>(JSON.parse(JSON.stringify(serializeState(first.state))) as never);
      const second = quadraticRun(create(), 5, restored, w).trajectory;
      const resumed = [...first.trajectory, ...second];
      for (let i = 0; i < 10; i++) {
        if (resumed[i].some((v, j) => v !== straight[i][j])) return { check: '', ok: false, message: `step ${i + 1} differs: [${resumed[i].join(', ')}] vs [${straight[i].join(', ')}]` };
      }
      return 'the resumed run matches the uninterrupted one';
    }),
  );

  results.push(
    attempt('converges on a convex quadratic', () => {
      const budget = options.quadraticBudget ?? 500;
      const w = tensor([0, 0, 0], undefined, { dtype: 'float64' });
      const { trajectory } = quadraticRun(create(), budget, undefined, w);
      const last = trajectory[trajectory.length - 1];
      const distance = Math.hypot(last[0] - 3, last[1] + 1, last[2] - 0.5);
      return distance < 1e-2 ? `within ${distance.toExponential(1)} of the minimum after ${budget} steps` : { check: '', ok: false, message: `still ${distance.toFixed(4)} from the minimum after ${budget} steps` };
    }),
  );

  results.push(
    attempt('solves XOR (2-8-1 tanh, logistic loss)', () => {
      const budget = options.xorBudget ?? 3000;
      const random = new Random(5);
      const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
      const y = tensor([[0], [1], [1], [0]]);
      const params: Params = {
        w1: mul(normal([2, 8], 0, 1, { random }), 0.8).requireGrad(),
        b1: tensor(new Array(8).fill(0), [8]).requireGrad(),
        w2: mul(normal([8, 1], 0, 1, { random }), 0.5).requireGrad(),
        b2: tensor([0], [1]).requireGrad(),
      };
      const optimizer = create();
      let state = optimizer.init(params);
      const logits = (): Tensor => add(matmul(tanh(add(matmul(x, params.w1), params.b1)), params.w2), params.b2);
      for (let i = 0; i < budget; i++) {
        for (const p of Object.values(params)) p.zeroGrad();
        const z = logits();
        mean(sub(softplus(z), mul(z, y))).backward();
        state = step(optimizer, params, state, Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!])));
      }
      const p = noGrad(() => sigmoid(logits())).values;
      const correct = [0, 1, 1, 0].every((t, i) => (p[i] > 0.5 ? 1 : 0) === t);
      return correct ? `all four points right after ${budget} steps` : { check: '', ok: false, message: `predictions [${Array.from(p).map((v) => v.toFixed(2)).join(', ')}] after ${budget} steps` };
    }),
  );

  if (options.reference !== undefined) {
    const reference = options.reference;
    results.push(
      attempt('matches the hand-computed reference trajectory (10 steps of f(w) = w²/2 from w = 1)', () => {
        const optimizer = create();
        const w = tensor([1], undefined, { dtype: 'float64' });
        const params: Params = { w };
        let state = optimizer.init(params);
        for (let i = 0; i < reference.length; i++) {
          state = step(optimizer, params, state, { w: w.detach() });
          const value = w.values[0];
          if (Math.abs(value - reference[i]) > 1e-12 * Math.max(1, Math.abs(reference[i]))) return { check: '', ok: false, message: `step ${i + 1}: ${value}, the reference says ${reference[i]}` };
        }
        return `all ${reference.length} steps agree`;
      }),
    );
  }

  return report(subject, results);
}

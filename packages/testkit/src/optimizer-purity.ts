import { applyUpdates, type GradientTransformation, type OptState, type Params } from '@keel/optimizers';
import { noGrad, tensor, type Tensor } from '@keel/tensor';
import { attempt, type CheckResult } from './report.js';
import { firstChange, snapshot } from './snapshot.js';

// The optimizers README promises that `init`, `update` and `step` never change their arguments:
// that is what lets a trainer keep, copy, save and restore a state. An optimizer that overwrites
// its state in place still converges, and resumes bit for bit, so only this check can tell.

export const PURITY_CHECK = 'init, update and step leave their arguments unchanged (params, grads, state)';

const STEPS = 3;
const CONTRACT = 'must return a new state and leave its arguments as they were (GradientTransformation in @keel/optimizers)';
const NO_ALIASING = 'A state must not hold the parameter tensors themselves (nor views of them): keep copies (add(p, 0), zerosLike(p))';

/** Two parameters (one with a name that needs quoting), float64 so every value is exact. */
function freshParams(): Record<string, Tensor> {
  return {
    w: tensor([0.5, -1, 2], undefined, { dtype: 'float64' }),
    'dense_1/kernel': tensor([[0.25, -0.75], [1.5, -2]], undefined, { dtype: 'float64' }),
  };
}

/** The gradient of ½‖p‖² for every parameter: new tensors with the parameters' values. */
function gradsAt(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([name, p]) => [name, tensor(Array.from(p.values), [...p.shape], { dtype: 'float64' })]));
}

type Args = { readonly grads: Params; readonly state: OptState; readonly params: Params };

/** The first argument of `call` that changed since `before` was taken, as a sentence, or undefined. */
function changedArgument(call: string, before: ReturnType<typeof snapshotArgs>, args: Args): string | undefined {
  for (const name of ['grads', 'state', 'params'] as const) {
    const change = firstChange(before[name], args[name], name);
    if (change !== undefined) return `${call} changed the ${name} it was given: ${change}. ${call.split(' ')[0]} ${CONTRACT}`;
  }
  return undefined;
}

function snapshotArgs(args: Args) {
  return { grads: snapshot(args.grads), state: snapshot(args.state), params: snapshot(args.params) };
}

/**
 * Runs `init` and a few steps of `update` (then of `step`, when the optimizer has one), copying
 * every argument before each call and comparing after it; and checks that no state changes when
 * the parameters are moved, which happens when a state holds the parameter tensors themselves.
 */
function firstImpurity(create: () => GradientTransformation): string | undefined {
  for (const fused of [false, true]) {
    const optimizer = create();
    if (fused && optimizer.step === undefined) continue;
    const params = freshParams();
    const paramsBefore = snapshot(params);
    let state = optimizer.init(params);
    const initChange = firstChange(paramsBefore, params, 'params');
    if (initChange !== undefined) return `init changed the params it was given: ${initChange}. init must leave the parameters as they were (GradientTransformation in @keel/optimizers)`;
    let producer = 'init';
    for (let k = 1; k <= STEPS; k++) {
      const args: Args = { grads: gradsAt(params), state, params };
      const before = snapshotArgs(args);
      const call = `${fused ? 'step' : 'update'} (step ${k})`;
      let next: OptState;
      let move: () => void;
      if (fused) {
        const result = optimizer.step!(args.grads, args.state, args.params);
        next = result.state;
        // as applyStep does: the new values' storage moves into the parameters
        move = () => noGrad(() => Object.entries(params).forEach(([name, p]) => p.replace(result.params[name])));
      } else {
        const result = optimizer.update(args.grads, args.state, args.params);
        next = result.state;
        move = () => applyUpdates(params, result.updates);
      }
      const changed = changedArgument(call, before, args);
      if (changed !== undefined) return changed;
      const nextBefore = snapshot(next);
      move();
      const how = fused ? "when the step's new values were moved into the parameters" : 'when applyUpdates moved the parameters';
      const given = firstChange(before.state, state, 'state');
      if (given !== undefined) return `the state returned by ${producer} changed afterwards, ${how}: ${given}. ${NO_ALIASING}`;
      const returned = firstChange(nextBefore, next, 'state');
      if (returned !== undefined) return `the state returned by ${call} changed afterwards, ${how}: ${returned}. ${NO_ALIASING}`;
      state = next;
      producer = call;
    }
  }
  return undefined;
}

/** The purity check of `checkOptimizer`. */
export function purityCheck(create: () => GradientTransformation): CheckResult {
  return attempt(PURITY_CHECK, () => {
    const problem = firstImpurity(create);
    if (problem !== undefined) return { check: '', ok: false, message: problem };
    const fused = create().step !== undefined;
    return `params, grads and state unchanged by init and ${STEPS} steps of update${fused ? ' and of step' : ''}; no state changed when the parameters were moved`;
  });
}

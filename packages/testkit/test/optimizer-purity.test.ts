// `update` (and `init`, and `step`) must never change their arguments: the optimizers README
// promises it, and saved, copied and restored states depend on it. Each optimizer below breaks
// the promise in one way that the other checks cannot see; the purity check names what changed.
import { chain, scaleByLearningRate, sgd, type GradientTransformation, type Params } from '@keel/optimizers';
import { add, mul, zerosLike, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { checkOptimizer, formatReport } from '../src/index.js';

const PURITY = 'init, update and step leave their arguments unchanged (params, grads, state)';

function purityOf(create: () => GradientTransformation): { ok: boolean; message: string; othersOk: boolean } {
  const report = checkOptimizer('acme/impure', create, { quadraticBudget: 2000 });
  const purity = report.results.find((r) => r.check === PURITY);
  if (purity === undefined) throw new Error(`no purity check in:\n${formatReport(report)}`);
  return { ok: purity.ok, message: purity.message, othersOk: report.results.filter((r) => r !== purity).every((r) => r.ok) };
}

type TraceState = { count: number; trace: Record<string, Tensor> };

/** Momentum whose trace is overwritten in place (`assign`), the same state object returned. */
function inPlaceMomentum(lr = 0.05, beta = 0.9): GradientTransformation {
  return {
    init: (params) => ({ count: 0, trace: Object.fromEntries(Object.entries(params).map(([name, p]) => [name, zerosLike(p)])) }),
    update: (grads, state) => {
      const s = state as unknown as TraceState;
      const updates: Record<string, Tensor> = {};
      for (const [name, g] of Object.entries(grads)) {
        s.trace[name].assign(add(mul(s.trace[name], beta), g)); // the bug: the caller's state changes
        updates[name] = mul(s.trace[name], -lr);
      }
      return { updates, state: s };
    },
  };
}

describe('checkOptimizer: purity', () => {
  it('fails an optimizer that overwrites its state tensors in place, naming the argument, the path and the values', () => {
    const outcome = purityOf(() => inPlaceMomentum());
    expect(outcome.othersOk).toBe(true); // every other check passes it: only purity can tell
    expect(outcome.ok).toBe(false);
    // The check's gradients are g = [0.5, -1, 2] for w: the trace's element 0 goes from 0 to 0.5.
    expect(outcome.message).toBe(
      'update (step 1) changed the state it was given: state.trace.w element 0 was 0, now 0.5. ' +
        'update must return a new state and leave its arguments as they were (GradientTransformation in @keel/optimizers)',
    );
  });

  it('fails an optimizer that scales the gradients in place', () => {
    const scalesGradsInPlace: GradientTransformation = {
      init: () => null,
      update: (grads, state) => {
        for (const g of Object.values(grads)) g.assign(mul(g, -0.05)); // the bug
        return { updates: grads, state };
      },
    };
    const outcome = purityOf(() => scalesGradsInPlace);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^update \(step 1\) changed the grads it was given: grads\.w element 0 was 0\.5, now -0\.025/);
  });

  it('fails a counter incremented in the state object it was given (the JSON part of the state)', () => {
    const inner = scaleByLearningRate(0.05);
    const countsInPlace: GradientTransformation = {
      init: (params) => ({ steps: 0, inner: inner.init(params) }),
      update: (grads, state, params) => {
        const s = state as { steps: number; inner: { count: number } };
        s.steps += 1; // the bug
        const { updates, state: next } = inner.update(grads, s.inner, params);
        return { updates, state: { steps: s.steps, inner: next } };
      },
    };
    const outcome = purityOf(() => countsInPlace);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^update \(step 1\) changed the state it was given: state\.steps was 0, now 1\./);
  });

  it('fails a state that holds the parameter tensors themselves, which applyUpdates then moves', () => {
    const inner = scaleByLearningRate(0.05);
    const keepsParams: GradientTransformation = {
      init: (params) => ({ anchor: { ...params }, inner: inner.init(params) }),
      update: (grads, state, params) => {
        const s = state as { anchor: Params; inner: { count: number } };
        const { updates, state: next } = inner.update(grads, s.inner, params);
        return { updates, state: { anchor: s.anchor, inner: next } };
      },
    };
    const outcome = purityOf(() => keepsParams);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(
      /^the state returned by init changed afterwards, when applyUpdates moved the parameters: state\.anchor\.w element 0 was 0\.5, now 0\.475\. A state must not hold the parameter tensors themselves/,
    );
  });

  it('fails a fused step that moves the parameters it was given in place', () => {
    const base = sgd({ lr: 0.05 });
    const stepsInPlace: GradientTransformation = {
      init: (params) => base.init(params),
      update: (grads, state, params) => base.update(grads, state, params),
      step: (grads, state, params) => {
        const { params: next, state: after } = base.step!(grads, state, params);
        for (const [name, p] of Object.entries(params)) p.assign(next[name]); // the bug
        return { params, state: after };
      },
    };
    const outcome = purityOf(() => stepsInPlace);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^step \(step 1\) changed the params it was given: params\.w element 0 was 0\.5, now 0\.475\./);
  });

  it('fails init that changes the parameters it was given', () => {
    const base = sgd({ lr: 0.05 });
    const initZeroes: GradientTransformation = {
      init: (params) => {
        for (const p of Object.values(params)) p.assign(zerosLike(p)); // the bug
        return base.init(params);
      },
      update: (grads, state, params) => base.update(grads, state, params),
    };
    const outcome = purityOf(() => initZeroes);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/^init changed the params it was given: params\.w element 0 was 0\.5, now 0\./);
  });

  it('passes a pure optimizer, with a fused step, saying what it checked', () => {
    const outcome = purityOf(() => chain(scaleByLearningRate(0.05)));
    expect(outcome.ok).toBe(true);
    expect(outcome.message).toBe('params, grads and state unchanged by init and 3 steps of update and of step; no state changed when the parameters were moved');
  });
});

// Each optimizer declares its options once (check, description, default): createOptimizer fills
// in the declared defaults, which must be the factories' own.
import { listOptions, optionDefaults, optionField } from '@keel/registry';
import { describe, expect, it } from 'vitest';
import { adagrad, adam, adamax, adamw, lion, optimizerSpecs, rmsprop, scheduleLrProblem, sgd, type GradientTransformation } from '../src/index.js';
import { GRADS, START, trajectory } from './helpers.js';

const factories: Record<string, (options: never) => GradientTransformation> = { sgd, adam, adamw, rmsprop, adagrad, adamax, lion };

describe('declared optimizer options', () => {
  it('every optimizer declares each option with a one-line description and a default; defaultLearningRate is the declared lr', () => {
    for (const spec of optimizerSpecs) {
      for (const option of listOptions(spec.options)) {
        expect(option.description, `${spec.id}.${option.name}`).toMatch(/^[^\n]+$/);
        expect(option.default, `${spec.id}.${option.name}`).toBeDefined();
      }
      expect(spec.defaultLearningRate, spec.id).toBe(spec.options.lr.default);
    }
    expect(optionDefaults(optimizerSpecs.find((s) => s.id === 'adamw')!.options)).toEqual({ lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 1e-4 });
  });

  it.each(optimizerSpecs.map((spec) => [spec.id, spec] as const))("%s: the declared defaults are the factory's own", (id, spec) => {
    // Steps taken with every default given explicitly are the steps taken with none given.
    const declared = optionDefaults(spec.options) as never;
    expect(trajectory(factories[id](declared), START, GRADS)).toEqual(trajectory(factories[id]({} as never), START, GRADS));
    expect(trajectory(spec.create({}), START, GRADS)).toEqual(trajectory(factories[id]({} as never), START, GRADS));
  });
});

describe('scheduleLrProblem: trainers pass lr as a schedule (step => rate)', () => {
  it("every built-in optimizer's lr takes a schedule", () => {
    for (const spec of optimizerSpecs) expect(scheduleLrProblem(spec.options), spec.id).toBeUndefined();
  });

  it('an lr that takes only numbers, or no declared lr, is named with what to declare instead', () => {
    expect(scheduleLrProblem({ lr: optionField.number((v) => v > 0, '> 0') })).toMatch(
      /^its lr option accepts only a number > 0, but Keel passes lr as a schedule \(step => rate\) — even a constant rate — so that schedules and callbacks can change it while training; declare it as lr: \{ expected: 'a positive number or a schedule \(step => rate\)', accepts: \(v\) => typeof v === 'function'/,
    );
    expect(scheduleLrProblem({ rate: optionField.number((v) => v > 0, '> 0') })).toMatch(/^its declared options \(rate\) have no lr, but Keel passes every optimizer/);
    expect(scheduleLrProblem(undefined)).toBeUndefined();
  });
});

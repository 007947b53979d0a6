// An optimizer plugin's mistakes are errors naming the optimizer, its plugin, the parameter and the
// shapes (attack pass 3, D1/D6/D10/D12/D21): never a silently broadcast update, a raw TypeError,
// or a state found unsavable only when the first epoch is saved.
import { optionField, definePlugin, type Registry } from '@keel/registry';
import type { GradientTransformation, OptimizerConfig, Params } from '@keel/optimizers';
import { mul, ones, sum, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { fit } from '../src/index.js';
import { freshRegistry, rejected, xorData, xorModel } from './helpers.js';

const lr = { expected: 'a positive number or a schedule', accepts: (v: unknown) => typeof v === 'function' || (typeof v === 'number' && v > 0) };
const map = (grads: Params, f: (g: Tensor, name: string) => unknown): Params => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, f(g, k)])) as Params;

/** A registry with '@att/opt' installed, providing `att/<name>` whose update is `update`. */
function withOptimizer(name: string, update: GradientTransformation['update'], init: GradientTransformation['init'] = () => ({})): Registry {
  const registry = freshRegistry();
  registry.use(
    definePlugin({
      name: '@att/opt',
      version: '1.0.0',
      provides: { optimizer: [{ id: `att/${name}`, description: name, options: { lr }, create: (_config?: OptimizerConfig) => ({ init, update }) }] },
    }),
  );
  return registry;
}

async function trainWith(registry: Registry, name: string): Promise<{ error: Error; kernel: number[]; before: number[] }> {
  const model = xorModel(1, registry).build();
  const kernel = model.parameters().get('dense_1/kernel')!;
  const before = Array.from(kernel.values);
  const error = await rejected(fit(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', optimizer: registry.idOf('optimizer', `att/${name}`), epochs: 1, batchSize: 4, registry }));
  return { error, before, kernel: Array.from(kernel.values) };
}

const who = (name: string): string => `optimizer 'att/${name}' (@att/opt@1.0.0)`;

describe("fit checks a plugin optimizer's updates against each parameter (D1, D10)", () => {
  it('a scalar update for a [2, 8] kernel is an error, and no weight moved', async () => {
    const { error, before, kernel } = await trainWith(withOptimizer('wrongshape', (g, s) => ({ updates: map(g, (v) => mul(sum(v), -0.1)), state: s })), 'wrongshape');
    expect(error.message).toBe(
      `${who('wrongshape')}: the update for parameter 'dense_1/kernel' has shape [], but the parameter has shape [2, 8]; ` +
        "update() must return one Tensor per parameter, each of exactly its parameter's shape and dtype (it is not broadcast)",
    );
    expect(kernel).toEqual(before);
  });

  it('a row, an unbroadcastable shape and a number are named the same way', async () => {
    const row = await trainWith(withOptimizer('row', (g, s) => ({ updates: map(g, (v) => (v.rank === 2 ? sum(v, { axis: 0, keepDims: true }) : v)), state: s })), 'row');
    expect(row.error.message).toContain(`${who('row')}: the update for parameter 'dense_1/kernel' has shape [1, 8], but the parameter has shape [2, 8]`);
    const bad3 = await trainWith(withOptimizer('bad3', (g, s) => ({ updates: map(g, () => ones([3])), state: s })), 'bad3');
    expect(bad3.error.message).toContain(`${who('bad3')}: the update for parameter 'dense_1/kernel' has shape [3], but the parameter has shape [2, 8]`);
    const number = await trainWith(withOptimizer('number', (g, s) => ({ updates: map(g, () => 0.5), state: s })), 'number');
    expect(number.error.message).toContain(`${who('number')}: the update for parameter 'dense_1/kernel' is the number 0.5;`);
  });

  it('missing and extra updates name the parameter', async () => {
    const missing = await trainWith(withOptimizer('missing', (_g, s) => ({ updates: {}, state: s })), 'missing');
    expect(missing.error.message).toContain(`${who('missing')}: update() returned no update for parameter 'dense_1/kernel' of shape [2, 8] (float32)`);
    const extra = await trainWith(withOptimizer('extra', (g, s) => ({ updates: { ...g, 'ghost/kernel': ones([3]) }, state: s })), 'extra');
    expect(extra.error.message).toContain(`${who('extra')}: update() returned an update for 'ghost/kernel', which is not among the parameters`);
  });
});

describe('update() must return { updates, state } (D6)', () => {
  it('{ state } alone is an error naming the optimizer, not a TypeError about dense_1/kernel', async () => {
    const { error } = await trainWith(withOptimizer('noupdates', (_g, s) => ({ state: s }) as never), 'noupdates');
    expect(error.message).toBe(
      `${who('noupdates')}: update() returned { state } without updates; it must return { updates, state } (updates: one Tensor per parameter; state: the next optimizer state)`,
    );
  });

  it('create returning something other than a transformation is named at once', async () => {
    const registry = freshRegistry();
    registry.use(definePlugin({ name: '@att/opt', version: '1.0.0', provides: { optimizer: [{ id: 'att/empty', description: 'empty', options: { lr }, create: () => ({}) as never }] } }));
    const { error } = await trainWith(registry, 'empty');
    expect(error.message).toMatch(/^optimizer 'att\/empty' \(@att\/opt@1\.0\.0\): create returned .*; it must return a GradientTransformation \(\{ init\(params\), update\(grads, state, params\) \}\)$/);
  });
});

describe('a state that cannot be saved is found at init or the first step, naming the optimizer (D21)', () => {
  it('a function in the state the first update returns', async () => {
    let steps = 0;
    const registry = withOptimizer('badstate', (g) => {
      steps++;
      return { updates: map(g, (v) => mul(v, -0.1)), state: { fn: () => 1 } as never };
    });
    const { error } = await trainWith(registry, 'badstate');
    expect(error.message).toMatch(
      /^optimizer 'att\/badstate' \(@att\/opt@1\.0\.0\): the state update\(\) returned cannot be saved with the model: state\.fn is a function; state may hold tensors/,
    );
    expect(steps).toBe(1);
  });

  it('a bigint in the state init makes, before any step', async () => {
    let steps = 0;
    const registry = withOptimizer(
      'badinit',
      (g, s) => {
        steps++;
        return { updates: map(g, (v) => mul(v, -0.1)), state: s };
      },
      () => ({ count: 10n }) as never,
    );
    const { error } = await trainWith(registry, 'badinit');
    expect(error.message).toMatch(/^optimizer 'att\/badinit' \(@att\/opt@1\.0\.0\): the state init\(\) returned cannot be saved with the model: state\.count is a bigint;/);
    expect(steps).toBe(0);
  });
});

describe("a plugin optimizer's lr must take a schedule, which is how fit passes it (D12)", () => {
  it('an lr declared for numbers only is told why, not "lr is a function"', async () => {
    const registry = freshRegistry();
    registry.use(
      definePlugin({
        name: '@att/opt',
        version: '1.0.0',
        provides: { optimizer: [{ id: 'att/numbers', description: 'numbers only', options: { lr: optionField.number((v) => v > 0, '> 0') }, create: () => ({ init: () => null, update: (g, s) => ({ updates: g, state: s }) }) }] },
      }),
    );
    const { error } = await trainWith(registry, 'numbers');
    expect(error.message).toMatch(
      /^optimizer 'att\/numbers' \(@att\/opt@1\.0\.0\): its lr option accepts only a number > 0, but Keel passes lr as a schedule \(step => rate\) — even a constant rate — so that schedules and callbacks can change it while training;/,
    );
  });
});

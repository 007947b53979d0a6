// Every suite the vitest helpers register names its configuration, so two configurations of one
// entry never share a title, and every helper takes the same things: a plugin (or a registry),
// an id, and optionally the configurations to check.
import { activationsPlugin } from '@keel/activations';
import { Dense } from '@keel/layers';
import { lossesPlugin } from '@keel/losses';
import { optimizersPlugin, sgd } from '@keel/optimizers';
import { definePlugin, Registry } from '@keel/registry';
import { expect, it } from 'vitest';
import { testActivation, testLayer, testLoss, testOptimizer } from '../src/vitest.js';

// The plugin author's report: two configurations of one activation, as the README showed them.
testActivation(activationsPlugin, { ids: ['elu'] });
testActivation(activationsPlugin, { ids: ['elu'], config: { alpha: 0.5 } });
// The uniform form: a plugin, an id, configurations.
testActivation(activationsPlugin, 'leakyRelu', { configs: [{ alpha: 0.1 }, { alpha: 0.3 }] });
testOptimizer(optimizersPlugin, 'sgd', { configs: [{ lr: 0.1 }, { lr: 0.1, momentum: 0.9 }], quadraticBudget: 200 });
testLoss(lossesPlugin, 'huber', { configs: [{}, { delta: 2 }] });
const registry = new Registry({ name: 'my registry' });
registry.use(lossesPlugin);
testLoss(registry, 'meanSquaredError');
const layers = definePlugin({ name: '@acme/keel-layers', version: '1.0.0', provides: { layer: [{ id: 'acme/dense', description: 'a dense layer', create: (c) => new Dense(c as never) }] } });
testLayer(layers, 'acme/dense', { configs: [{ units: 2 }, { units: 3, activation: 'tanh' }], inputShape: [4] });
// The forms existing callers use keep working.
testOptimizer('sgd (a factory)', () => sgd({ lr: 0.1 }), { quadraticBudget: 200 });
testLoss('hinge');

it('gives every suite its own title, naming the configuration', ({ task }) => {
  const titles = task.file.tasks.filter((t) => t.type === 'suite').map((t) => t.name);
  expect(titles).toEqual([
    "@keel/activations: activation 'elu' (registered entry)",
    "@keel/activations: activation 'elu' (default options)",
    "@keel/activations: activation 'elu' {alpha: 0.5}",
    "@keel/activations: activation 'leakyRelu' (registered entry)",
    "@keel/activations: activation 'leakyRelu' {alpha: 0.1}",
    "@keel/activations: activation 'leakyRelu' {alpha: 0.3}",
    "@keel/optimizers: optimizer 'sgd' (registered entry)",
    "@keel/optimizers: optimizer 'sgd' {lr: 0.1}",
    "@keel/optimizers: optimizer 'sgd' {lr: 0.1, momentum: 0.9}",
    "@keel/losses: loss 'huber' (registered entry)",
    "@keel/losses: loss 'huber' (default options)",
    "@keel/losses: loss 'huber' {delta: 2}",
    "my registry: loss 'meanSquaredError' (registered entry)",
    "my registry: loss 'meanSquaredError' (default options)",
    "@acme/keel-layers: layer 'acme/dense' {units: 2}",
    "@acme/keel-layers: layer 'acme/dense' {units: 3, activation: 'tanh'}",
    "optimizer 'sgd (a factory)'",
    "loss 'hinge' (default options)",
  ]);
  expect(new Set(titles).size).toBe(titles.length);
});

it('registers passing checks under each title', ({ task }) => {
  const suites = task.file.tasks.filter((t) => t.type === 'suite');
  for (const suite of suites) expect(suite.tasks.length, suite.name).toBeGreaterThan(2);
  const sgdMomentum = suites.find((s) => s.name === "@keel/optimizers: optimizer 'sgd' {lr: 0.1, momentum: 0.9}")!;
  expect(sgdMomentum.tasks.map((t) => t.name)).toContain('init, update and step leave their arguments unchanged (params, grads, state)');
});

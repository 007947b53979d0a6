// A NaN the optimizer's update made (the loss and gradients finite) is traced through a re-run of
// that update: the op, the optimizer and its plugin are named, and the learning rate is blamed only
// when the values show an overflow.
import { ArrayDataset } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import type { GradientTransformation, Params } from '@keel/optimizers';
import { definePlugin, type Registry } from '@keel/registry';
import { div, mul, ones, sub, type Tensor } from '@keel/tensor';
import { fit, type OptimizerArg } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { diagnose, diagnoseFit, doctor, explain, probe, type Finding } from '../src/index.js';
import { find, freshRegistry } from './helpers.js';

// The plugin's ids type-check once declared (see @keel/registry's README).
declare module '@keel/registry' {
  interface RegisteredIds {
    'optimizer:acme/nan-update': true;
    'optimizer:acme/nan-state': true;
    'optimizer:acme/huge': true;
  }
}

const map = (grads: Params, fn: (g: Tensor) => Tensor): Record<string, Tensor> => Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, fn(g)]));
const zeroOverZero = (t: Tensor): Tensor => div(sub(t, t), sub(t, t));
const lr = { expected: 'a positive number or a schedule', accepts: (v: unknown) => typeof v === 'function' || (typeof v === 'number' && v > 0) };
function optimizer(id: string, update: GradientTransformation['update']) {
  return { id, description: id, defaultLearningRate: 0.01, options: { lr }, create: (): GradientTransformation => ({ init: () => ({}), update }) };
}
const faulty = definePlugin({
  name: '@acme/faulty-optimizers',
  version: '1.0.0',
  provides: {
    optimizer: [
      optimizer('acme/nan-update', (grads, state) => ({ updates: map(grads, zeroOverZero), state })),
      optimizer('acme/nan-state', (grads) => ({ updates: map(grads, (g) => mul(g, -0.01)), state: { m: zeroOverZero(ones([2])) } })),
      optimizer('acme/huge', (grads, state) => ({ updates: map(grads, (g) => mul(mul(g, -1e30), 1e30)), state })),
    ],
  },
});

function setup(): { registry: Registry; model: Sequential; data: ArrayDataset } {
  const registry = freshRegistry();
  registry.use(faulty);
  const model = new Sequential([new Dense({ units: 4, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 1, registry });
  const data = new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [2], Float32Array.from([0, 1, 1, 0]), [1]);
  return { registry, model, data };
}

async function nanFinding(optimizerArg: OptimizerArg): Promise<Finding> {
  const { registry, model, data } = setup();
  const { report } = await diagnoseFit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: optimizerArg, batchSize: 4, epochs: 2, registry });
  return find(report, 'nan-produced');
}

/** Words that send the user to the learning rate. */
const RATE_ADVICE = /lower the learning rate|lrFinder|lr \d|too high/i;

describe('a NaN made by the optimizer update', () => {
  it("0/0 in an optimizer plugin's update: names the parameter, the optimizer and plugin, the op (div) and says the learning rate is not the cause", async () => {
    const f = await nanFinding({ id: 'acme/nan-update', lr: 0.01 });
    expect(f.parameter).toBe('dense_1/kernel');
    expect(f.evidence).toMatchObject({ phase: 'update', op: 'div', stage: 'update', optimizer: 'acme/nan-update', plugin: '@acme/faulty-optimizers@1.0.0', overflow: false, learningRateIsCause: false, traced: true });
    const text = explain(f);
    expect(text).toMatch(/^dense_1\/kernel: the optimizer update made it non-finite at step 0 \(epoch 1, batch 1\) while the loss and gradients were finite; re-running the update of optimizer 'acme\/nan-update' \(@acme\/faulty-optimizers@1\.0\.0\) from a fresh state on this step's gradients, the first non-finite value came from div in its update: 8 NaN value\(s\); its inputs: the output of sub in the optimizer update \[2, 4\] from 0 to 0; /);
    expect(text).toContain('a division by 0 (0/0 is NaN); the learning rate (0.01) is not the cause');
    expect(text).toContain("Try: fix the update of optimizer 'acme/nan-update' (@acme/faulty-optimizers@1.0.0)");
    expect(text).not.toMatch(RATE_ADVICE);
  });

  it('0/0 in its state: names the state tensor as the guard does (state.m) and the op', async () => {
    const f = await nanFinding({ id: 'acme/nan-state', lr: 0.01 });
    expect(f.evidence).toMatchObject({ phase: 'state', where: 'state.m', op: 'div', optimizer: 'acme/nan-state', learningRateIsCause: false });
    expect(explain(f)).toMatch(/^the optimizer state state\.m became non-finite at step 0 .* the first non-finite value came from div in its update: 2 NaN value\(s\)/);
    expect(explain(f)).not.toMatch(RATE_ADVICE);
  });

  it('an update that overflows float32 (values of 1e29 before the second product): the learning-rate advice, with the magnitudes', async () => {
    const f = await nanFinding({ id: 'acme/huge', lr: 0.01 });
    expect(f.evidence).toMatchObject({ phase: 'update', op: 'affine', overflow: true, learningRateIsCause: true }); // mul by a number is the affine kernel
    expect(explain(f)).toMatch(/Likely cause: the update overflowed float32 \(gradients up to [\d.]+, weights up to [\d.]+; affine's inputs reach [\d.]+e2\d\): the learning rate \(0\.01\) is too high for these values/);
    expect(explain(f)).toMatch(/Try: lr [\d.e-]+–[\d.e-]+ \(or lrFinder\); clip the gradients/);
  });

  it('as a bare fit callback the doctor takes the optimizer from the training state', async () => {
    const { registry, model, data } = setup();
    const doc = doctor();
    const outcome = await diagnose(() => fit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: 'acme/nan-update', batchSize: 4, registry, callbacks: [doc] }), doc);
    const f = find(outcome.findings, 'nan-produced');
    expect(f.evidence).toMatchObject({ op: 'div', optimizer: 'acme/nan-update', plugin: '@acme/faulty-optimizers@1.0.0' });
    expect(explain(f)).not.toMatch(RATE_ADVICE);
  });

  it('probe does not run the LR range test, nor offer its rate, for a NaN that is not the learning rate’s doing', async () => {
    const { registry, model, data } = setup();
    const report = await probe({ model, data, loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'acme/nan-update', lr: 0.01 }, steps: 5, batchSize: 4, registry });
    expect(report.outcome.status).toBe('non-finite');
    expect(report.lrFinder).toBeUndefined();
    expect(explain(find(report, 'nan-produced'))).not.toMatch(RATE_ADVICE);
  });
});

describe('a NaN that the batch already held', () => {
  it('names the example of the data set and whether its inputs or its targets hold it, and does not blame the learning rate', async () => {
    const registry = freshRegistry();
    const model = new Sequential([new Dense({ units: 4, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 1, registry });
    const inputs = new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, NaN, 1]), [2], Float32Array.from([0, 1, 1, 0]), [1]);
    const a = find((await diagnoseFit(model, inputs, { loss: 'binaryCrossEntropyWithLogits', optimizer: 'sgd', batchSize: 4, shuffle: false, registry })).report, 'nan-produced');
    expect(a.evidence).toMatchObject({ phase: 'input', badTensor: 'input', badRow: 3, badExample: 3, learningRateIsCause: false });
    expect(explain(a)).toMatch(/^the batch of step 0 itself holds NaN or Infinity: the inputs of example 3 \(row 3 of the batch\) hold NaN /);
    expect(explain(a)).not.toMatch(RATE_ADVICE);
    const targets = new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [2], Float32Array.from([0, 1, NaN, 0]), [1]);
    const b = find((await diagnoseFit(model, targets, { loss: 'meanSquaredError', optimizer: 'sgd', batchSize: 4, shuffle: false, registry })).report, 'nan-produced');
    expect(b.evidence).toMatchObject({ phase: 'input', badTensor: 'targets', badRow: 2, badExample: 2 });
    expect(explain(b)).toMatch(/the targets of example 2 \(row 2 of the batch\) hold NaN/);
    expect(explain(b)).toContain('drop or repair the examples with NaN/Inf labels');
    expect(explain(b)).not.toMatch(RATE_ADVICE);
  });
});

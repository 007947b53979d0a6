import type { ActivationEntry } from '@keel/activations';
import { ArrayDataset, applyStandardize, fitStandardize, spirals, xor } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { definePlugin, type Registry } from '@keel/registry';
import { engine, log, mul, tanh, type Tensor } from '@keel/tensor';
import { fit, learningRateScheduler, NumericsError } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { Doctor, diagnose, diagnoseFit, doctor, explain, renderReport } from '../src/index.js';
import { codes, find, freshRegistry } from './helpers.js';

function spiralData(): ArrayDataset {
  const set = spirals({ n: 600, classes: 3, noise: 0.2, seed: 1 });
  return new ArrayDataset(applyStandardize(set.x, fitStandardize(set.x, 2)), [2], Float32Array.from(set.y), []);
}

function reluNet(registry: Registry, units = 64): Sequential {
  return new Sequential([new Dense({ units, activation: 'relu' }), new Dense({ units, activation: 'relu' }), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
}

/** tanh with a hand-written backward that takes log(0): -Infinity in the backward pass. */
const badGradTanh: ActivationEntry = {
  id: 'acme/badGradTanh',
  description: 'tanh whose hand-written backward is not finite',
  forward: (x: Tensor) => tanh(x),
  backward: ({ dy }) => mul(dy, log(mul(dy, 0))),
  meta: { gain: 5 / 3, gainIsConvention: true, recommendedInitializer: 'glorotUniform', outputRange: [-1, 1], saturation: { below: -3, above: 3 }, kinks: [] },
};
const badPlugin = definePlugin({ name: '@acme/bad-grad', version: '1.0.0', provides: { activation: [badGradTanh] } });

describe('doctor: a healthy run', () => {
  it('finds nothing, leaves no hook behind, and records per-layer series', async () => {
    const registry = freshRegistry();
    const { x, y } = xor();
    const data = new ArrayDataset(x, [2], Float32Array.from(y), [1]);
    const model = new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 3, registry });
    const hooks = engine.hooks.length;
    const doc = doctor();
    await fit(model, data, { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'adam', lr: 0.05 }, epochs: 300, batchSize: 4, registry, callbacks: [doc] });
    expect(engine.hooks.length).toBe(hooks);
    expect(doc.findings()).toEqual([]);
    const series = doc.series();
    expect(series.loss.length).toBe(300);
    expect(series.layers.dense_1.length).toBe(30);
    expect(series.layers.dense_1[0]).toMatchObject({ step: 0, deadFraction: null });
    expect(series.samples[1].updateRatio).toBeGreaterThan(0);
    expect(series.parameters['dense_1/bias'].length).toBe(30);
  });

  it("is a plugin callback: registry.resolve('callback', 'doctor')", () => {
    const registry = freshRegistry();
    expect(registry.resolve('callback', 'doctor').create({ every: 5 })).toBeInstanceOf(Doctor);
  });
});

describe('doctor: during training', () => {
  it("dead-relu in plain words: 'Layer dense_2: 63% of ReLU units never activated since step 260. Likely cause: learning rate 1 too high for SGD ... Try: lr 0.1 ...'", async () => {
    const registry = freshRegistry();
    const { report } = await diagnoseFit(reluNet(registry), spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 1 }, batchSize: 32, epochs: 20, registry });
    const dead = find(report, 'dead-relu', 'dense_2');
    expect(explain(dead)).toMatch(/^Layer dense_2: \d+% of ReLU units never activated since step \d+\. Likely cause: learning rate 1 too high for SGD.*Try: lr 0\.1, or leakyRelu/);
  });

  it('exploding-gradients, lr-too-high and loss-diverging when the learning rate ramps up', async () => {
    const registry = freshRegistry();
    const ramp = learningRateScheduler((_epoch, step) => (step >= 300 ? 0.1 * 1.03 ** (step - 300) : 0.1));
    const model = new Sequential([new Dense({ units: 32, activation: 'relu' }), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
    const { report } = await diagnoseFit(model, spiralData(), {
      loss: 'sparseSoftmaxCrossEntropy',
      optimizer: { id: 'sgd', lr: 0.1 },
      batchSize: 32,
      epochs: 30,
      registry,
      callbacks: [ramp],
      doctor: { every: 1 },
    });
    expect(codes(report)).toEqual(expect.arrayContaining(['exploding-gradients', 'lr-too-high', 'loss-diverging']));
    for (const code of ['exploding-gradients', 'lr-too-high', 'loss-diverging']) expect(find(report, code).step).toBeGreaterThan(300);
    expect(report.findings.filter((f) => f.code === 'exploding-gradients')).toHaveLength(1);
  });

  it('vanishing-gradients through eight sigmoid layers', async () => {
    const registry = freshRegistry();
    const model = new Sequential([...Array.from({ length: 8 }, () => new Dense({ units: 32, activation: 'sigmoid' })), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
    const { report } = await diagnoseFit(model, spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, batchSize: 32, epochs: 10, registry });
    expect(explain(find(report, 'vanishing-gradients'))).toMatch(/smaller than layer dense_\d's/);
  });
});

describe('doctor: NaN and Inf', () => {
  it("with guard: false the doctor stops training at the non-finite loss and replays the step to find the op (here a custom activation's backward)", async () => {
    const registry = freshRegistry();
    registry.use(badPlugin);
    const model = new Sequential([new Dense({ units: 8, activation: 'acme/badGradTanh' as 'tanh' }), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
    const { report, error } = await diagnoseFit(model, spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, batchSize: 32, epochs: 3, registry, guard: false });
    expect(error).toBeUndefined();
    expect(report.outcome.status).toBe('non-finite');
    const nan = find(report, 'nan-produced');
    expect(nan.evidence).toMatchObject({ phase: 'backward', op: 'log', scope: 'dense_1' });
    expect(report.trace?.nonFiniteGradients).toContain('dense_1/kernel');
    expect(report.outcome.steps).toBeLessThanOrEqual(2);
  });

  it("as a bare callback with trace: 'live', it names the op even though fit's guard throws first; diagnose() catches the error", async () => {
    const registry = freshRegistry();
    registry.use(badPlugin);
    const model = new Sequential([new Dense({ units: 8, activation: 'acme/badGradTanh' as 'tanh' }), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
    const hooks = engine.hooks.length;
    const doc = doctor({ trace: 'live' });
    const outcome = await diagnose(() => fit(model, spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, batchSize: 32, epochs: 3, registry, callbacks: [doc] }), doc);
    expect(outcome.error).toBeInstanceOf(NumericsError);
    const nan = find(outcome.findings, 'nan-produced');
    expect(nan.evidence).toMatchObject({ phase: 'backward', op: 'log', step: 0 });
    await Promise.resolve();
    expect(engine.hooks.length).toBe(hooks);
  });

  it('without a replay source or live trace it still reports the step and where, and says how to trace it', async () => {
    const registry = freshRegistry();
    registry.use(badPlugin);
    const model = new Sequential([new Dense({ units: 8, activation: 'acme/badGradTanh' as 'tanh' }), new Dense({ units: 3 })], { inputShape: [2], seed: 1, registry });
    const doc = doctor();
    const outcome = await diagnose(() => fit(model, spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, batchSize: 32, epochs: 3, registry, callbacks: [doc] }), doc);
    const nan = find(outcome.findings, 'nan-produced');
    expect(nan.evidence).toMatchObject({ traced: false, where: 'dense_1/kernel', step: 0 });
    expect(explain(nan)).toMatch(/diagnoseFit/);
  });
});

describe('the report', () => {
  it('is JSON (no NaN or Infinity lost), renders as plain text, and explain() reads "Layer …: … Likely cause: … Try: …"', async () => {
    const registry = freshRegistry();
    const { report } = await diagnoseFit(reluNet(registry), spiralData(), { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 1 }, batchSize: 32, epochs: 20, registry });
    const json = JSON.stringify(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json).not.toMatch(/NaN|Infinity(?!")/);
    const text = renderReport(report);
    const controls = [...text].filter((c) => c !== '\n' && (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127));
    expect(controls).toEqual([]);
    expect(text).toMatch(/^Keel doctor: /);
    for (const f of report.findings) expect(text).toContain(`[${f.code}]`);
    for (const f of report.findings) expect(explain(f)).toMatch(/^(Layer \S+: |\S+\/\S+: )?.+\. Likely cause: .+\. Try: .+\.$/s);
  });
});

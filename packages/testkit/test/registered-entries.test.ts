// The registered entry is what users reach by id (fit's `optimizer: 'acme/x'`, the CLI's
// --optimizer): the testkit checks it as well as the function behind it.
import { activationsPlugin, type ActivationEntry } from '@keel/activations';
import { lossesPlugin, type LossSpec } from '@keel/losses';
import { optimizersPlugin, scaleByLearningRate, type OptimizerSpec, type Schedule } from '@keel/optimizers';
import { definePlugin, optionField, Registry, type OptionFields } from '@keel/registry';
import { mean, mul, sigmoid, square, sub, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { checkActivationEntry, checkLossEntry, checkOptimizerEntry, formatReport, type CheckReport } from '../src/index.js';

function result(report: CheckReport, check: string): { ok: boolean; message: string } {
  const found = report.results.find((r) => r.check === check);
  if (found === undefined) throw new Error(`no check '${check}' in:\n${formatReport(report)}`);
  return found;
}

// trainers pass lr as a schedule (step => rate)
const lrField = { expected: 'a number > 0 or a schedule', accepts: (v: unknown) => typeof v === 'function' || (typeof v === 'number' && v > 0) };

function optimizerPlugin(entry: Partial<OptimizerSpec> & { options?: OptionFields }) {
  const spec = {
    id: 'acme/plainSgd',
    description: 'plain gradient descent',
    defaultLearningRate: 0.01,
    create: (config: Readonly<Record<string, unknown>> = {}) => scaleByLearningRate((config.lr ?? 0.01) as number | Schedule),
    ...entry,
  };
  return definePlugin({ name: '@acme/keel-plain-sgd', version: '1.0.0', provides: { optimizer: [spec] } });
}

describe('checkOptimizerEntry', () => {
  it('fails an entry that declares no options, and says how to declare them', () => {
    const report = checkOptimizerEntry('acme/plainSgd', { plugin: optimizerPlugin({}) });
    expect(report.subject).toBe("optimizer 'acme/plainSgd' (registered entry)");
    const declared = result(report, 'declares its options (OptimizerSpec.options)');
    expect(declared.ok).toBe(false);
    expect(declared.message).toBe(
      "the entry declares no options, so createOptimizer cannot reject a typo and the CLI cannot tell which flags it takes. Add `options: { lr: { expected: 'a number > 0 or a schedule (step => rate)', accepts: (v) => typeof v === 'function' || (typeof v === 'number' && v > 0) }, ... }` (OptionFields from @keel/registry) listing every option create reads",
    );
    const typo = result(report, 'createOptimizer rejects an unknown option with a did-you-mean');
    expect(typo.ok).toBe(false);
    expect(typo.message).toBe("createOptimizer(registry, 'acme/plainSgd', {lrr: 0.01}) built an optimizer: a misspelt option is silently ignored. Declare the entry's options");
    expect(result(report, 'creates an optimizer from (default options)').ok).toBe(true);
  });

  it('passes an entry that declares its options, and names the did-you-mean it got', () => {
    const report = checkOptimizerEntry('acme/plainSgd', { plugin: optimizerPlugin({ options: { lr: lrField } }), configs: [{}, { lr: 0.1 }] });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(result(report, 'declares its options (OptimizerSpec.options)').message).toBe('lr');
    expect(result(report, 'createOptimizer rejects an unknown option with a did-you-mean').message).toBe(
      "optimizer 'acme/plainSgd': has no option 'lrr'; did you mean 'lr'? valid options: lr",
    );
    expect(result(report, 'creates an optimizer from {lr: 0.1}').ok).toBe(true);
    expect(result(report, 'defaultLearningRate is a positive finite number').message).toBe('0.01');
  });

  it('fails an lr that takes only numbers, and a create that ignores a schedule, which is how trainers pass lr (attack pass 3, D12)', () => {
    const numbersOnly = checkOptimizerEntry('acme/plainSgd', { plugin: optimizerPlugin({ options: { lr: optionField.number((v) => v > 0, '> 0') } }) });
    const refused = result(numbersOnly, 'takes lr as a schedule (step => rate), as trainers pass it');
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^its lr option accepts only a number > 0, but Keel passes lr as a schedule \(step => rate\) — even a constant rate —/);
    const ignoring = checkOptimizerEntry('acme/plainSgd', {
      plugin: optimizerPlugin({ options: { lr: lrField }, create: (config = {}) => scaleByLearningRate(typeof config.lr === 'number' ? config.lr : 0.01) }),
    });
    const ignored = result(ignoring, 'takes lr as a schedule (step => rate), as trainers pass it');
    expect(ignored.ok).toBe(false);
    expect(ignored.message).toBe(
      'with lr: step => 0.001 and lr: step => 0.1 the first update is the same (-0.004999999888241291, -0.004999999888241291, 0.004999999888241291): create ignores a schedule passed as lr, ' +
        'so every trainer would train at one rate whatever was asked. Read a function lr as the rate at each step (scaleByLearningRate(lr) takes a number or a schedule)',
    );
    expect(result(checkOptimizerEntry('acme/plainSgd', { plugin: optimizerPlugin({ options: { lr: lrField } }) }), 'takes lr as a schedule (step => rate), as trainers pass it').ok).toBe(true);
  });

  it('fails a config the declared options refuse, quoting the error', () => {
    const report = checkOptimizerEntry('acme/plainSgd', { plugin: optimizerPlugin({ options: { lr: lrField } }), configs: [{ learningRate: 0.1 }] });
    const created = result(report, 'creates an optimizer from {learningRate: 0.1}');
    expect(created.ok).toBe(false);
    expect(created.message).toBe("threw: optimizer 'acme/plainSgd': has no option 'learningRate'; valid options: lr");
  });

  it.each([0, -1e-3, Number.NaN, Infinity])('fails defaultLearningRate %s', (rate) => {
    const report = checkOptimizerEntry('acme/plainSgd', { plugin: optimizerPlugin({ options: { lr: lrField }, defaultLearningRate: rate }) });
    const check = result(report, 'defaultLearningRate is a positive finite number');
    expect(check.ok).toBe(false);
    expect(check.message).toBe(`defaultLearningRate is ${rate}; trainers start from it when a config gives no lr, so it must be a finite number > 0`);
  });

  it('fails an empty description', () => {
    const report = checkOptimizerEntry('acme/plainSgd', { plugin: optimizerPlugin({ options: { lr: lrField }, description: '  ' }) });
    const check = result(report, 'has a description');
    expect(check.ok).toBe(false);
    expect(check.message).toBe('the description is empty; `keel plugins` and registry.describe show it: say in a few words what the entry does');
  });

  it('fails an id the plugin does not provide, with the nearest registered one', () => {
    const report = checkOptimizerEntry('acme/plainSdg', { plugin: optimizerPlugin({ options: { lr: lrField } }) });
    expect(report.ok).toBe(false);
    expect(report.results).toHaveLength(1);
    expect(report.results[0].message).toMatch(/^threw: unknown optimizer 'acme\/plainSdg'; did you mean 'acme\/plainSgd'\?/);
  });

  it('passes every built-in optimizer, taking a registry in place of a plugin', () => {
    const registry = new Registry();
    registry.use(optimizersPlugin);
    for (const { id } of optimizersPlugin.provides.optimizer) {
      const report = checkOptimizerEntry(id, { registry });
      expect(report.ok, formatReport(report)).toBe(true);
    }
  });
});

const mseSpec = {
  id: 'acme/mse',
  description: 'mean squared error',
  expects: 'real',
  targets: 'real',
  create: () => (p: Tensor, t: Tensor) => mean(square(sub(p, t))),
} as const satisfies LossSpec & { id: string };

describe('checkLossEntry', () => {
  const lossPlugin = (entry: Partial<LossSpec>) => definePlugin({ name: '@acme/keel-mse', version: '1.0.0', provides: { loss: [{ ...mseSpec, ...entry }] } });

  it('fails a loss that declares no options and accepts a typo of reduction', () => {
    const report = checkLossEntry('acme/mse', { plugin: lossPlugin({}) });
    expect(result(report, 'declares its options (LossSpec.options)').ok).toBe(false);
    expect(result(report, 'createLoss rejects an unknown option with a did-you-mean').message).toBe(
      "createLoss(registry, 'acme/mse', {reductionn: 'mean'}) built a loss: a misspelt option is silently ignored. Declare the entry's options",
    );
  });

  it('fails a value of expects or targets that checkLossInputs does not know', () => {
    const report = checkLossEntry('acme/mse', { plugin: lossPlugin({ expects: 'logit' as never }) });
    const check = result(report, 'declares what its predictions and targets are');
    expect(check.ok).toBe(false);
    expect(check.message).toBe("expects is 'logit'; expected 'logits', 'probabilities' or 'real'");
  });

  it('passes every built-in loss', () => {
    for (const { id } of lossesPlugin.provides.loss) {
      const report = checkLossEntry(id, { plugin: lossesPlugin });
      expect(report.ok, formatReport(report)).toBe(true);
    }
  });
});

describe('checkActivationEntry', () => {
  const base: ActivationEntry = {
    id: 'acme/scaledSigmoid',
    description: 'k·σ(x)',
    defaults: { k: 2 },
    forward: (x, config) => mul(sigmoid(x), config.k as number),
    meta: { gain: 1, gainIsConvention: true, recommendedInitializer: 'glorotUniform', outputRange: [0, 2], saturation: { below: -6, above: 6 }, kinks: [] },
  };
  const activationPlugin = (entry: Partial<ActivationEntry>) => definePlugin({ name: '@acme/keel-scaled', version: '1.0.0', provides: { activation: [{ ...base, ...entry }] } });

  it('passes a well-formed entry, naming the did-you-mean for a typo of its option', () => {
    const report = checkActivationEntry('acme/scaledSigmoid', { plugin: activationPlugin({}), configs: [{}, { k: 3 }] });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(result(report, 'createActivation rejects an unknown option with a did-you-mean').message).toBe("activation 'acme/scaledSigmoid' has no option 'kk'; did you mean 'k'? valid options: k");
  });

  it('fails a recommended initializer that is not registered, with the nearest one', () => {
    const report = checkActivationEntry('acme/scaledSigmoid', { plugin: activationPlugin({ meta: { ...(base.meta as object), recommendedInitializer: 'glorotUnifrom' } as never }) });
    const check = result(report, 'its metadata is usable with (default options)');
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/^recommendedInitializer: unknown initializer 'glorotUnifrom'; did you mean 'glorotUniform'\?/);
  });

  it('fails a gain that is not a positive finite number', () => {
    const report = checkActivationEntry('acme/scaledSigmoid', { plugin: activationPlugin({ meta: { ...(base.meta as object), gain: Number.NaN } as never }) });
    const check = result(report, 'its metadata is usable with (default options)');
    expect(check.ok).toBe(false);
    expect(check.message).toBe(
      "threw: activation 'acme/scaledSigmoid' (@acme/keel-scaled@1.0.0): meta.gain is NaN; it must be a finite number > 0 (the factor initializers scale weights by: 1 for linear, √2 for relu)",
    );
  });

  it('passes every built-in activation', () => {
    for (const { id } of activationsPlugin.provides.activation) {
      const report = checkActivationEntry(id, { plugin: activationsPlugin });
      expect(report.ok, formatReport(report)).toBe(true);
    }
  });
});

import { createOptimizer, scheduleLrProblem, type GradientTransformation, type OptimizerConfig, type Params } from '@keel/optimizers';
import type { Registry } from '@keel/registry';
import { tensor } from '@keel/tensor';
import { callOf, declaredOptionsCheck, descriptionCheck, registeredCheck, typoCheck, type EntryCheckOptions } from './entry-checks.js';
import { formatConfig } from './format-config.js';
import { registryOf } from './registry-with.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

/** The update of one step on a fixed parameter and gradient, by an optimizer created with `config`. */
function firstUpdate(registry: Registry, id: string, config: OptimizerConfig): number[] {
  const optimizer: GradientTransformation = createOptimizer(registry, registry.idOf('optimizer', id), config);
  const params: Params = { w: tensor([1, -2, 3]) };
  const { updates } = optimizer.update({ w: tensor([0.5, 0.5, -0.5]) }, optimizer.init(params), params);
  return Array.from(updates.w.values);
}

/**
 * `fit`, the CLI and the learning-rate finder create an optimizer by id with `lr` as a schedule
 * (step => rate): its declared `lr` must take one, and `create` must read it — an entry that takes
 * only numbers would be refused when training starts, one that ignores a function trains at its
 * default rate whatever the user asked.
 */
function scheduleCheck(registry: Registry, id: string, fields: Parameters<typeof scheduleLrProblem>[0], config: OptimizerConfig): CheckResult {
  return attempt('takes lr as a schedule (step => rate), as trainers pass it', () => {
    const problem = scheduleLrProblem(fields);
    if (problem !== undefined) return { check: '', ok: false, message: problem };
    const slow = firstUpdate(registry, id, { ...config, lr: () => 1e-3 });
    const fast = firstUpdate(registry, id, { ...config, lr: () => 1e-1 });
    if (slow.every((v, i) => v === fast[i])) {
      return {
        check: '',
        ok: false,
        message:
          `with lr: step => 0.001 and lr: step => 0.1 the first update is the same (${slow.join(', ')}): create ignores a schedule passed as lr, so every trainer would train at one rate whatever was asked. ` +
          'Read a function lr as the rate at each step (scaleByLearningRate(lr) takes a number or a schedule)',
      };
    }
    return 'a schedule passed as lr sets the step';
  });
}

/**
 * Checks an optimizer as registered, the way users reach it by id: it resolves, has a
 * description, declares its options (`OptimizerSpec.options`), `createOptimizer` builds it from
 * each configuration and rejects a misspelt option with a did-you-mean, takes `lr` as a schedule
 * (step => rate), which is how trainers pass it, and its `defaultLearningRate`, when given, is a
 * positive finite number.
 */
export function checkOptimizerEntry(id: string, options: EntryCheckOptions = {}): CheckReport {
  const subject = `optimizer '${id}' (registered entry)`;
  const registry = registryOf(options);
  const { result: found, entry } = registeredCheck(registry, 'optimizer', id);
  if (entry === undefined) return report(subject, [found]);
  const configs = options.configs ?? [{}];
  const results: CheckResult[] = [found, descriptionCheck(entry.description)];
  results.push(
    declaredOptionsCheck(
      'declares its options (OptimizerSpec.options)',
      'createOptimizer',
      entry.options,
      "lr: { expected: 'a number > 0 or a schedule (step => rate)', accepts: (v) => typeof v === 'function' || (typeof v === 'number' && v > 0) }",
    ),
  );
  for (const config of configs) {
    results.push(
      attempt(`creates an optimizer from ${formatConfig(config)}`, () => {
        const optimizer = createOptimizer(registry, registry.idOf('optimizer', id), config) as unknown;
        const o = optimizer as { init?: unknown; update?: unknown; step?: unknown } | null;
        if (typeof o?.init !== 'function' || typeof o.update !== 'function') {
          return { check: '', ok: false, message: `create returned ${typeof optimizer}; expected a GradientTransformation ({ init, update })` };
        }
        return typeof o.step === 'function' ? 'init, update and a fused step' : 'init and update';
      }),
    );
  }
  results.push(
    typoCheck('createOptimizer rejects an unknown option with a did-you-mean', (c) => callOf('createOptimizer', id, c), (c) => createOptimizer(registry, registry.idOf('optimizer', id), c), {
      declared: entry.options === undefined ? undefined : Object.keys(entry.options),
      values: configs[0] ?? {},
      fields: entry.options,
      fallback: 'lr',
      built: 'an optimizer',
    }),
  );
  results.push(scheduleCheck(registry, id, entry.options, configs[0] ?? {}));
  if (entry.defaultLearningRate !== undefined) {
    const rate: unknown = entry.defaultLearningRate;
    results.push(
      attempt('defaultLearningRate is a positive finite number', () =>
        typeof rate === 'number' && Number.isFinite(rate) && rate > 0
          ? String(rate)
          : { check: '', ok: false, message: `defaultLearningRate is ${String(rate)}; trainers start from it when a config gives no lr, so it must be a finite number > 0` },
      ),
    );
  }
  return report(subject, results);
}

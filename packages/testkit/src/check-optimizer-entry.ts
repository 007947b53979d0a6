import { createOptimizer } from '@keel/optimizers';
import { callOf, declaredOptionsCheck, descriptionCheck, registeredCheck, typoCheck, type EntryCheckOptions } from './entry-checks.js';
import { formatConfig } from './format-config.js';
import { registryOf } from './registry-with.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

/**
 * Checks an optimizer as registered, the way users reach it by id: it resolves, has a
 * description, declares its options (`OptimizerSpec.options`), `createOptimizer` builds it from
 * each configuration and rejects a misspelt option with a did-you-mean, and its
 * `defaultLearningRate`, when given, is a positive finite number.
 */
export function checkOptimizerEntry(id: string, options: EntryCheckOptions = {}): CheckReport {
  const subject = `optimizer '${id}' (registered entry)`;
  const registry = registryOf(options);
  const { result: found, entry } = registeredCheck(registry, 'optimizer', id);
  if (entry === undefined) return report(subject, [found]);
  const configs = options.configs ?? [{}];
  const results: CheckResult[] = [found, descriptionCheck(entry.description)];
  results.push(declaredOptionsCheck('declares its options (OptimizerSpec.options)', 'createOptimizer', entry.options, "lr: optionField.number((v) => v > 0, '> 0')"));
  for (const config of configs) {
    results.push(
      attempt(`creates an optimizer from ${formatConfig(config)}`, () => {
        const optimizer = createOptimizer(registry, id, config) as unknown;
        const o = optimizer as { init?: unknown; update?: unknown; step?: unknown } | null;
        if (typeof o?.init !== 'function' || typeof o.update !== 'function') {
          return { check: '', ok: false, message: `create returned ${typeof optimizer}; expected a GradientTransformation ({ init, update })` };
        }
        return typeof o.step === 'function' ? 'init, update and a fused step' : 'init and update';
      }),
    );
  }
  results.push(
    typoCheck('createOptimizer rejects an unknown option with a did-you-mean', (c) => callOf('createOptimizer', id, c), (c) => createOptimizer(registry, id, c), {
      declared: entry.options === undefined ? undefined : Object.keys(entry.options),
      values: configs[0] ?? {},
      fields: entry.options,
      fallback: 'lr',
      built: 'an optimizer',
    }),
  );
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

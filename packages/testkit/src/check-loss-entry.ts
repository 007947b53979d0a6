import { createLoss } from '@keel/losses';
import { callOf, declaredOptionsCheck, descriptionCheck, registeredCheck, typoCheck, type EntryCheckOptions } from './entry-checks.js';
import { formatConfig } from './format-config.js';
import { registryOf } from './registry-with.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

const EXPECTS = ['logits', 'probabilities', 'real'];
const TARGETS = ['index', 'oneHot', 'real', 'binary'];

function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
}

/**
 * Checks a loss as registered: it resolves, has a description, says what its predictions and
 * targets are (what `checkLossInputs` explains mismatches with), declares its options
 * (`LossSpec.options`), `createLoss` builds it from each configuration and rejects a misspelt
 * option with a did-you-mean, and `expectedInitialLoss`, when given, is finite and not negative.
 */
export function checkLossEntry(id: string, options: EntryCheckOptions = {}): CheckReport {
  const subject = `loss '${id}' (registered entry)`;
  const registry = registryOf(options);
  const { result: found, entry } = registeredCheck(registry, 'loss', id);
  if (entry === undefined) return report(subject, [found]);
  const configs = options.configs ?? [{}];
  const results: CheckResult[] = [found, descriptionCheck(entry.description)];
  results.push(
    attempt('declares what its predictions and targets are', () => {
      const expects: unknown = entry.expects;
      const targets: unknown = entry.targets;
      if (typeof expects !== 'string' || !EXPECTS.includes(expects)) return { check: '', ok: false, message: `expects is ${typeof expects === 'string' ? `'${expects}'` : String(expects)}; expected ${oneOf(EXPECTS)}` };
      if (typeof targets !== 'string' || !TARGETS.includes(targets)) return { check: '', ok: false, message: `targets is ${typeof targets === 'string' ? `'${targets}'` : String(targets)}; expected ${oneOf(TARGETS)}` };
      return `expects ${expects}, targets ${targets}`;
    }),
  );
  results.push(declaredOptionsCheck('declares its options (LossSpec.options)', 'createLoss', entry.options, "reduction: optionField.choice(['mean', 'sum', 'none'])"));
  for (const config of configs) {
    results.push(
      attempt(`creates a loss from ${formatConfig(config)}`, () => {
        const loss: unknown = createLoss(registry, registry.idOf('loss', id), config);
        return typeof loss === 'function' ? 'a loss function' : { check: '', ok: false, message: `create returned ${typeof loss}; expected a function (predictions, targets, options?) => Tensor` };
      }),
    );
  }
  results.push(
    typoCheck('createLoss rejects an unknown option with a did-you-mean', (c) => callOf('createLoss', id, c), (c) => createLoss(registry, registry.idOf('loss', id), c), {
      declared: entry.options === undefined ? undefined : Object.keys(entry.options),
      values: configs[0] ?? {},
      fields: entry.options,
      fallback: 'reduction',
      built: 'a loss',
    }),
  );
  if (entry.expectedInitialLoss !== undefined) {
    const expected = entry.expectedInitialLoss;
    results.push(
      attempt('expectedInitialLoss is finite and not negative', () => {
        for (const classes of [2, 10]) {
          const value = expected(classes);
          if (!(Number.isFinite(value) && value >= 0)) return { check: '', ok: false, message: `expectedInitialLoss(${classes}) is ${value}; expected a finite number >= 0 (the loss of uniform predictions)` };
        }
        return `${expected(2).toFixed(4)} for 2 classes, ${expected(10).toFixed(4)} for 10`;
      }),
    );
  }
  return report(subject, results);
}

import { activationOptions, createActivation, type Activation } from '@keel/activations';
import type { OptionFields, Registry } from '@keel/registry';
import { descriptionCheck, registeredCheck, typoCheck, type EntryCheckOptions } from './entry-checks.js';
import { formatConfig } from './format-config.js';
import { registryOf } from './registry-with.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

/**
 * What is wrong with a configured activation's metadata, or undefined. `createActivation` has
 * already checked its form (a positive gain, an output range, saturation, kinks: an
 * `ActivationError` otherwise); what it cannot check — initializers may be installed after
 * activations — is that the recommended initializer is registered.
 */
function metaProblem(activation: Activation, registry: Registry): string | undefined {
  try {
    registry.resolve('initializer', activation.recommendedInitializer);
  } catch (error) {
    return `recommendedInitializer: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/**
 * Checks an activation as registered: it resolves, has a description, `createActivation` builds
 * it from each configuration with usable metadata (a positive gain, a registered recommended
 * initializer, an output range, kinks) and rejects a misspelt option with a did-you-mean (the
 * options an activation takes: its `options`, or the older `defaults` shorthand).
 */
export function checkActivationEntry(id: string, options: EntryCheckOptions = {}): CheckReport {
  const subject = `activation '${id}' (registered entry)`;
  const registry = registryOf(options);
  const { result: found, entry } = registeredCheck(registry, 'activation', id);
  if (entry === undefined) return report(subject, [found]);
  const results: CheckResult[] = [found, descriptionCheck(entry.description)];
  // An activation may take no options at all (relu): only a declaration that cannot be read fails.
  let fields: OptionFields = {};
  results.push(
    attempt('declares its options (ActivationEntry.options)', () => {
      fields = activationOptions(entry);
      const names = Object.keys(fields);
      return names.length === 0 ? 'none (it takes no options)' : names.join(', ');
    }),
  );
  for (const config of options.configs ?? [{}]) {
    results.push(
      attempt(`its metadata is usable with ${formatConfig(config)}`, () => {
        const problem = metaProblem(createActivation(registry, { ...config, id: registry.idOf('activation', id) }), registry);
        return problem === undefined ? 'gain, recommended initializer, output range and kinks' : { check: '', ok: false, message: problem };
      }),
    );
  }
  results.push(
    typoCheck('createActivation rejects an unknown option with a did-you-mean', (c) => `createActivation(registry, ${formatConfig({ id, ...c })})`, (c) => createActivation(registry, { ...c, id: registry.idOf('activation', id) }), {
      declared: Object.keys(fields),
      values: entry.defaults ?? {},
      fields,
      fallback: '',
      built: 'an activation',
    }),
  );
  return report(subject, results);
}

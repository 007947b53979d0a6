// The options an entry declares, whatever its kind: what `keel plugins --describe` lists and what
// an id flag's settings (`--optimizer adam:b1=0.8`) are checked against before anything trains.
import { activationOptions } from '@keel/activations';
import { initializerOptions } from '@keel/initializers';
import { checkOptions, OptionsError, type OptionFields, type Registry } from '@keel/registry';
import { usageError } from './errors.js';

/**
 * The options the entry `kind`/`key` declares; undefined when it declares none (a plugin's loss or
 * optimizer written without `options`). Activations and initializers written with the older
 * `defaults` shorthand get one option per default.
 */
export function declaredOptions(registry: Registry, kind: string, key: string): OptionFields | undefined {
  if (kind === 'activation') return activationOptions(registry.resolve('activation', key));
  if (kind === 'initializer') return initializerOptions(registry.resolve('initializer', key));
  return registry.resolve(kind, key).options;
}

/**
 * What is wrong with `settings` for `kind` `id` (saved ones, or a flag's), or undefined: an unknown
 * setting (with the valid ones listed), a wrong value, or any setting for an entry that declares
 * no options (they cannot be checked).
 */
export function settingsProblem(registry: Registry, kind: string, id: string, settings: Readonly<Record<string, unknown>>): string | undefined {
  if (Object.keys(settings).length === 0) return undefined;
  const fields = declaredOptions(registry, kind, id);
  if (fields === undefined) {
    const { plugin } = registry.describe(kind, id);
    return `${kind} '${id}' (from ${plugin.name}) declares no options, so its settings cannot be checked; give the id alone, or ask its author to declare its options`;
  }
  try {
    checkOptions(`${kind} '${id}'`, settings, fields);
    return undefined;
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    const valid = Object.keys(fields);
    return error.message.includes('valid options:') || valid.length === 0 ? error.message : `${error.message}; valid options: ${valid.join(', ')}`;
  }
}

/**
 * Checks the settings of `--flag text` (`id:key=value,...`) against the options `id` declares,
 * before anything trains: a usage error naming the flag, the setting and the valid options.
 */
export function checkSettings(registry: Registry, kind: string, flag: string, text: string, id: string, settings: Readonly<Record<string, unknown>>): void {
  const problem = settingsProblem(registry, kind, id, settings);
  if (problem !== undefined) throw usageError(`--${flag} '${text}': ${problem}`);
}

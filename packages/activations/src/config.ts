import { describeValue, OptionsError, optionDefaults, resolveOptions, type OptionField, type OptionFields } from '@keel/registry';
import type { ActivationEntry } from './activation.js';

/** A configuration value: what model configs can serialise. */
export type ConfigValue = number | string | boolean;

/** An activation's configuration (`{ alpha: 0.2 }`). */
export type ActivationConfig = Readonly<Record<string, ConfigValue>>;

/** A configuration that cannot be used: an unknown option, a wrong type, a value out of range. */
export class ActivationConfigError extends TypeError {
  /** The activation id. */
  readonly id: string;
  /** The option at fault, when one is. */
  readonly option: string | undefined;

  constructor(id: string, option: string | undefined, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ActivationConfigError';
    this.id = id;
    this.option = option;
  }
}

/** The field an option of the older `defaults` shorthand gets: a value of its default's type (numbers finite). */
function fieldOfDefault(value: ConfigValue): OptionField {
  const type = typeof value;
  return {
    expected: type === 'number' ? 'a finite number' : `a ${type}`,
    default: value,
    accepts: (v) => typeof v === type && (type !== 'number' || Number.isFinite(v)),
  };
}

/**
 * The options an entry takes: its declared `options`, or for an entry written with the older
 * `defaults` shorthand, one option per default, of the default's type. Declaring both is allowed
 * only when they agree (the built-ins expose `defaults` for code that reads them).
 */
export function activationOptions(entry: Pick<ActivationEntry, 'id' | 'options' | 'defaults'>): OptionFields {
  const { options, defaults } = entry;
  if (options === undefined) return Object.fromEntries(Object.entries(defaults ?? {}).map(([key, value]) => [key, fieldOfDefault(value)]));
  if (defaults !== undefined) {
    const declared = optionDefaults(options);
    const keys = new Set([...Object.keys(declared), ...Object.keys(defaults)]);
    for (const key of keys) {
      if (declared[key] !== defaults[key]) {
        throw new ActivationConfigError(
          entry.id,
          key,
          `activation '${entry.id}' declares both options and defaults, and they disagree on '${key}' (default ${describeValue(declared[key])} in options, ${describeValue(defaults[key])} in defaults); declare the default in options only`,
        );
      }
    }
  }
  return options;
}

/**
 * Checks `given` against the entry's options (unknown ones get the nearest valid name, wrong types
 * and ranges are refused) and returns them with the declared defaults filled in. Options set to
 * `undefined` count as not given. Throws an `ActivationConfigError`.
 */
export function configureActivation(entry: Pick<ActivationEntry, 'id' | 'options' | 'defaults'>, given: Readonly<Record<string, unknown>>): Record<string, ConfigValue> {
  const fields = activationOptions(entry);
  const owner = `activation '${entry.id}'`;
  try {
    return resolveOptions(owner, given, fields) as Record<string, ConfigValue>;
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    // "activation 'relu' has no option 'x'" reads as one sentence; a bad value gets a colon.
    const unknown = error.option !== undefined && !Object.hasOwn(fields, error.option);
    throw new ActivationConfigError(entry.id, error.option, `${owner}${unknown ? ' ' : ': '}${error.problem}`, { cause: error });
  }
}

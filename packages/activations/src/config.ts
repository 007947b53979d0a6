import { catchOptionsError, entryOptions, resolveOptions, type OptionFields } from '@keel/registry';
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

/**
 * The options an entry takes: its declared `options`, or for an entry written with the older
 * `defaults` shorthand, one option per default, of the default's type. Declaring both is allowed
 * only when they agree (the built-ins expose `defaults` for code that reads them).
 */
export function activationOptions(entry: Pick<ActivationEntry, 'id' | 'options' | 'defaults'>): OptionFields {
  return catchOptionsError(() => entryOptions(`activation '${entry.id}'`, entry), undefined, (error, message) => new ActivationConfigError(entry.id, error.option, message, { cause: error }));
}

/**
 * Checks `given` against the entry's options (unknown ones get the nearest valid name, wrong types
 * and ranges are refused) and returns them with the declared defaults filled in. Options set to
 * `undefined` count as not given. Throws an `ActivationConfigError`.
 */
export function configureActivation(entry: Pick<ActivationEntry, 'id' | 'options' | 'defaults'>, given: Readonly<Record<string, unknown>>): Record<string, ConfigValue> {
  const fields = activationOptions(entry);
  return catchOptionsError(
    () => resolveOptions(`activation '${entry.id}'`, given, fields) as Record<string, ConfigValue>,
    fields,
    (error, message) => new ActivationConfigError(entry.id, error.option, message, { cause: error }),
  );
}

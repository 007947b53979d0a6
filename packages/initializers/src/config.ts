import { catchOptionsError, entryOptions, resolveOptions, type OptionFields } from '@keel/registry';
import type { InitializerEntry } from './initializer.js';

/** An initializer's configuration (`{ minval: -0.1, maxval: 0.1 }`). */
export type InitializerConfig = Readonly<Record<string, number | string>>;

/** A configuration or a call that cannot be used: an unknown option, a wrong type, a bad value or context. */
export class InitializerConfigError extends TypeError {
  /** The initializer id. */
  readonly id: string;
  /** The option at fault, when one is. */
  readonly option: string | undefined;

  constructor(id: string, option: string | undefined, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InitializerConfigError';
    this.id = id;
    this.option = option;
  }
}

/** The options an entry takes: its declared `options`, or fields read off the older `defaults` shorthand. */
export function initializerOptions(entry: Pick<InitializerEntry, 'id' | 'options' | 'defaults'>): OptionFields {
  return catchOptionsError(() => entryOptions(`initializer '${entry.id}'`, entry), undefined, (error, message) => new InitializerConfigError(entry.id, error.option, message, { cause: error }));
}

/**
 * Checks `given` against the entry's options (unknown ones get the nearest valid name, wrong types
 * and ranges are refused) and returns them with the declared defaults filled in. Options set to
 * `undefined` count as not given. Throws an `InitializerConfigError`.
 */
export function configureInitializer(entry: Pick<InitializerEntry, 'id' | 'options' | 'defaults'>, given: Readonly<Record<string, unknown>>): Record<string, number | string> {
  const fields = initializerOptions(entry);
  return catchOptionsError(
    () => resolveOptions(`initializer '${entry.id}'`, given, fields) as Record<string, number | string>,
    fields,
    (error, message) => new InitializerConfigError(entry.id, error.option, message, { cause: error }),
  );
}

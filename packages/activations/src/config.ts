import { nearestId } from '@keel/registry';

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

  constructor(id: string, option: string | undefined, message: string) {
    super(message);
    this.name = 'ActivationConfigError';
    this.id = id;
    this.option = option;
  }
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/**
 * Merges `given` into `defaults` after checking that every option is known, has the default's
 * type and, for numbers, is finite. Options set to `undefined` count as not given.
 */
export function mergeConfig(id: string, defaults: ActivationConfig, given: Readonly<Record<string, unknown>>): Record<string, ConfigValue> {
  const merged: Record<string, ConfigValue> = { ...defaults };
  const valid = Object.keys(defaults);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(defaults, key)) {
      if (valid.length === 0) {
        throw new ActivationConfigError(id, key, `activation '${id}' takes no options, got '${key}'`);
      }
      const near = nearestId(key, valid);
      const hint = near === undefined ? ';' : `; did you mean '${near}'?`;
      throw new ActivationConfigError(id, key, `activation '${id}' has no option '${key}'${hint} valid options: ${valid.join(', ')}`);
    }
    const expected = typeof defaults[key];
    if (typeof value !== expected) {
      throw new ActivationConfigError(id, key, `activation '${id}': option '${key}' must be a ${expected}, got ${typeof value} ${describeValue(value)}`);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new ActivationConfigError(id, key, `activation '${id}': option '${key}' must be a finite number, got ${value}`);
    }
    merged[key] = value as ConfigValue;
  }
  return merged;
}

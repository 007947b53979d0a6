import { nearestId } from '@keel/registry';

/** An initializer's configuration (`{ minval: -0.1, maxval: 0.1 }`). */
export type InitializerConfig = Readonly<Record<string, number | string>>;

/** A configuration or a call that cannot be used: an unknown option, a wrong type, a bad value or context. */
export class InitializerConfigError extends TypeError {
  /** The initializer id. */
  readonly id: string;
  /** The option at fault, when one is. */
  readonly option: string | undefined;

  constructor(id: string, option: string | undefined, message: string) {
    super(message);
    this.name = 'InitializerConfigError';
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
export function mergeConfig(id: string, defaults: InitializerConfig, given: Readonly<Record<string, unknown>>): Record<string, number | string> {
  const merged: Record<string, number | string> = { ...defaults };
  const valid = Object.keys(defaults);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(defaults, key)) {
      if (valid.length === 0) {
        throw new InitializerConfigError(id, key, `initializer '${id}' takes no options, got '${key}'`);
      }
      const near = nearestId(key, valid);
      const hint = near === undefined ? ';' : `; did you mean '${near}'?`;
      throw new InitializerConfigError(id, key, `initializer '${id}' has no option '${key}'${hint} valid options: ${valid.join(', ')}`);
    }
    const expected = typeof defaults[key];
    if (typeof value !== expected) {
      throw new InitializerConfigError(id, key, `initializer '${id}': option '${key}' must be a ${expected}, got ${typeof value} ${describeValue(value)}`);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new InitializerConfigError(id, key, `initializer '${id}': option '${key}' must be a finite number, got ${value}`);
    }
    merged[key] = value as number | string;
  }
  return merged;
}

/** Throws unless `config[key]` is one of `choices`. */
export function checkChoice(id: string, config: InitializerConfig, key: string, choices: readonly string[]): string {
  const value = config[key] as string;
  if (!choices.includes(value)) {
    const listed = choices.map((choice) => `'${choice}'`);
    const last = listed.pop()!;
    const near = nearestId(value, choices);
    const hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
    throw new InitializerConfigError(id, key, `initializer '${id}': option '${key}' must be ${listed.join(', ')} or ${last}, got '${value}'${hint}`);
  }
  return value;
}

/** Throws unless `config[key]` satisfies `ok`; `rule` says what it must be (`'>= 0'`). */
export function checkNumber(id: string, config: InitializerConfig, key: string, ok: (value: number) => boolean, rule: string): number {
  const value = config[key] as number;
  if (!ok(value)) throw new InitializerConfigError(id, key, `initializer '${id}': option '${key}' must be ${rule}, got ${value}`);
  return value;
}

import { nearestId } from './nearest.js';

/**
 * One option a plugin entry accepts (a layer's `units`, an activation's `alpha`): what its value
 * must be, in words for messages, and the test a value must pass.
 */
export interface OptionField {
  /** What a value must be, completing "expected …": "a positive integer", "'valid' or 'same'". */
  readonly expected: string;
  readonly accepts: (value: unknown) => boolean;
  /** A required option that is missing is an error; an optional one may be left out or undefined. */
  readonly required?: boolean;
}

/** Every option an entry accepts, by name: anything else is an error. */
export type OptionFields = Readonly<Record<string, OptionField>>;

/** Options that cannot be used: not an object, an unknown option, a missing or ill-typed value. */
export class OptionsError extends TypeError {
  /** Who the options are for, as the message starts: 'dense_1', "activation 'leakyRelu'". */
  readonly owner: string;
  /** The option at fault, when one is. */
  readonly option: string | undefined;
  /** The message without the owner: "activation is null; expected …". */
  readonly problem: string;

  constructor(owner: string, option: string | undefined, problem: string, options?: ErrorOptions) {
    super(`${owner}: ${problem}`, options);
    this.name = 'OptionsError';
    this.owner = owner;
    this.option = option;
    this.problem = problem;
  }
}

/** A value as messages show it: 'relu' quoted, null, 1e+300, [1, 2], {"id":null}. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return `a ${typeof value}`;
  }
}

/**
 * Checks `given` against `fields`: every option known (an unknown one gets the nearest valid name
 * and the list), every required one present, every value accepted. Options set to `undefined`
 * count as not given. Throws an `OptionsError` naming `owner` and the option.
 */
export function checkOptions(owner: string, given: unknown, fields: OptionFields): void {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new OptionsError(owner, undefined, `the options are ${describeValue(given)}; expected an object of options`);
  }
  const valid = Object.keys(fields);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(fields, key)) {
      if (valid.length === 0) throw new OptionsError(owner, key, `takes no options, got '${key}'`);
      const near = nearestId(key, valid);
      const hint = near === undefined ? ';' : `; did you mean '${near}'?`;
      throw new OptionsError(owner, key, `has no option '${key}'${hint} valid options: ${valid.join(', ')}`);
    }
    const field = fields[key];
    if (!field.accepts(value)) throw new OptionsError(owner, key, `${key} is ${describeValue(value)}; expected ${field.expected}`);
  }
  for (const key of valid) {
    if (fields[key].required === true && (given as Record<string, unknown>)[key] === undefined) {
      throw new OptionsError(owner, key, `${key} is missing; expected ${fields[key].expected}`);
    }
  }
}

/** Field builders for the common cases. */
export const optionField = {
  /** An integer in [min, max]. */
  integer(min: number, max: number = Number.MAX_SAFE_INTEGER, required = false): OptionField {
    const expected = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    return { expected, required, accepts: (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max };
  },
  /** A finite number passing `ok`; `rule` says which (`'> 0'`, `'in [0, 1)'`). */
  number(ok: (value: number) => boolean, rule: string, required = false): OptionField {
    return { expected: `a number ${rule}`, required, accepts: (v) => typeof v === 'number' && Number.isFinite(v) && ok(v) };
  },
  boolean(required = false): OptionField {
    return { expected: 'true or false', required, accepts: (v) => typeof v === 'boolean' };
  },
  /** One of a few strings. */
  choice(choices: readonly string[], required = false): OptionField {
    const listed = choices.map((c) => `'${c}'`);
    const expected = listed.length === 1 ? listed[0] : `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)!}`;
    return { expected, required, accepts: (v) => typeof v === 'string' && choices.includes(v) };
  },
} as const;

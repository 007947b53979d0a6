import { nearestId } from './nearest.js';

/**
 * One option a plugin entry accepts (a layer's `units`, an activation's `alpha`): what its value
 * must be, in words for messages, the test a value must pass and, for people, what it does and
 * the value used when it is left out. The one declaration drives validation, defaults,
 * `keel plugins --describe` and the CLI's `--flag id:key=value` settings.
 */
export interface OptionField {
  /** What a value must be, completing "expected …": "a positive integer", "'valid' or 'same'". */
  readonly expected: string;
  readonly accepts: (value: unknown) => boolean;
  /** A required option that is missing is an error; an optional one may be left out or undefined. */
  readonly required?: boolean;
  /** What the option does, in one line: "slope for x < 0". */
  readonly description?: string;
  /**
   * The value used when the option is left out (`resolveOptions` fills it in). Leave it out for a
   * required option, or when the value left out depends on something else (say so in `description`).
   */
  readonly default?: unknown;
  /** The strings a choice accepts: a misspelt one gets a did-you-mean. */
  readonly choices?: readonly string[];
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
    if (!field.accepts(value)) {
      const near = typeof value === 'string' && field.choices !== undefined ? nearestId(value, field.choices) : undefined;
      throw new OptionsError(owner, key, `${key} is ${describeValue(value)}; expected ${field.expected}${near === undefined ? '' : ` (did you mean '${near}'?)`}`);
    }
  }
  for (const key of valid) {
    if (fields[key].required === true && (given as Record<string, unknown>)[key] === undefined) {
      throw new OptionsError(owner, key, `${key} is missing; expected ${fields[key].expected}`);
    }
  }
}

/** The declared defaults of `fields`, by name (options without a `default` are left out). */
export function optionDefaults(fields: OptionFields): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) if (field.default !== undefined) defaults[name] = field.default;
  return defaults;
}

/**
 * `checkOptions`, then the options to use: the declared defaults with the given options over
 * them (options set to `undefined` count as not given).
 */
export function resolveOptions(owner: string, given: unknown, fields: OptionFields): Record<string, unknown> {
  checkOptions(owner, given, fields);
  const resolved = optionDefaults(fields);
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) if (value !== undefined) resolved[key] = value;
  return resolved;
}

/**
 * `field` with its one-line description and, unless it is required, the default used when it is
 * left out: `declareOption(optionField.number((v) => v >= 0, '>= 0'), 'slope for x < 0', 0.01)`.
 * A default the field refuses, or a description that is empty or not one line, is a mistake in
 * the declaration and throws at once.
 */
export function declareOption(field: OptionField, description: string, defaultValue?: unknown): OptionField {
  if (typeof description !== 'string' || description.trim() === '' || /[\r\n]/.test(description)) {
    throw new TypeError(`declareOption: the description must be one non-empty line, got ${describeValue(description)}`);
  }
  if (defaultValue !== undefined && !field.accepts(defaultValue)) {
    throw new TypeError(`declareOption: the default ${describeValue(defaultValue)} is not ${field.expected} (option: ${description})`);
  }
  if (defaultValue !== undefined && field.required === true) throw new TypeError(`declareOption: a required option has no default (option: ${description})`);
  return { ...field, description, ...(defaultValue === undefined ? {} : { default: defaultValue }) };
}

/** The field an option of the older `defaults` shorthand gets: a value of its default's type (numbers finite). */
function fieldOfDefault(value: unknown): OptionField {
  const type = typeof value;
  return {
    expected: type === 'number' ? 'a finite number' : `a ${type}`,
    default: value,
    accepts: (v) => typeof v === type && (type !== 'number' || Number.isFinite(v)),
  };
}

/**
 * The options an entry takes: its declared `options`, or for an entry written with the older
 * `defaults` shorthand (activations, initializers), one option per default, of the default's type.
 * Both together must agree on every default, else an `OptionsError` naming `owner` and the option.
 */
export function entryOptions(owner: string, entry: { readonly options?: OptionFields; readonly defaults?: Readonly<Record<string, unknown>> }): OptionFields {
  const { options, defaults } = entry;
  if (options === undefined) return Object.fromEntries(Object.entries(defaults ?? {}).map(([key, value]) => [key, fieldOfDefault(value)]));
  if (defaults !== undefined) {
    const declared = optionDefaults(options);
    for (const key of new Set([...Object.keys(declared), ...Object.keys(defaults)])) {
      if (declared[key] !== defaults[key]) {
        throw new OptionsError(
          owner,
          key,
          `declares both options and defaults, and they disagree on '${key}' (default ${describeValue(declared[key])} in options, ${describeValue(defaults[key])} in defaults); declare the default in options only`,
        );
      }
    }
  }
  return options;
}

/**
 * Runs `fn`, and turns an `OptionsError` it throws into a package's own error class:
 * `wrap(error, message)`, the message in one sentence for a problem with an unknown option or the
 * declaration ("activation 'relu' has no option 'x'") and with a colon for a bad value of one of
 * `fields` ("activation 'elu': alpha is 0; expected a number > 0"), as activations and
 * initializers have always worded them.
 */
export function catchOptionsError<T>(fn: () => T, fields: OptionFields | undefined, wrap: (error: OptionsError, message: string) => Error): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    const known = error.option !== undefined && fields !== undefined && Object.hasOwn(fields, error.option);
    throw wrap(error, `${error.owner}${known ? ': ' : ' '}${error.problem}`);
  }
}

/** One option as `keel plugins --describe` and `--json` show it. */
export interface OptionInfo {
  readonly name: string;
  /** What a value must be ("a number >= 0"). */
  readonly expected: string;
  readonly required: boolean;
  /** The declared default, when there is one. */
  readonly default?: unknown;
  readonly description?: string;
}

/** `fields` as a list of plain records (for printing and JSON), in declaration order. */
export function listOptions(fields: OptionFields): OptionInfo[] {
  return Object.entries(fields).map(([name, field]) => ({
    name,
    expected: field.expected,
    required: field.required === true,
    ...(field.default === undefined ? {} : { default: field.default }),
    ...(field.description === undefined ? {} : { description: field.description }),
  }));
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
    return { expected, required, choices, accepts: (v) => typeof v === 'string' && choices.includes(v) };
  },
} as const;

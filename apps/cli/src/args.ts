// A small, strict command-line parser: every flag is declared; an unknown one is answered with
// the nearest declared flag.
import { nearestId } from '@keel/registry';
import { usageError } from './errors.js';
import { float32Fault } from './float32.js';

export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'list';

export interface FlagSpec {
  readonly name: string;
  readonly type: FlagType;
  readonly short?: string;
  /** What the value is called in help ('dir', 'n'). */
  readonly value?: string;
  readonly description: string;
  /** May be given several times (values are collected). */
  readonly repeatable?: boolean;
  /**
   * The largest value a number, integer or list entry may take; an integer without one is capped at
   * MAX_INTEGER, so no flag can ask for an allocation or a loop the machine cannot hold.
   */
  readonly max?: number;
  /**
   * A number used in float32 arithmetic (a learning rate): a value that float32 rounds to 0 or to
   * Infinity is refused, since training would silently do nothing or diverge at once.
   */
  readonly float32?: boolean;
}

/** The cap on an integer flag that declares no `max` of its own (beyond it counts are meaningless and arrays fail). */
export const MAX_INTEGER = 2 ** 31 - 1;

type RawValue = string | boolean | string[];

/** A plain decimal number: '3', '-0.5', '.5', '1e-3'; no '+', no leading zeros ('03'), no spaces. */
const DECIMAL = /^-?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** A plain whole number: digits only, no sign, no leading zeros ('3', '0'; not '03', '+3', ' 3'). */
const WHOLE = /^(0|[1-9]\d*)$/;
/** What Number() reads once trimmed: a number written in a way no flag takes (' 3', '+3', '03'), or a plain one. */
const LOOSE_DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether `text` is a number in the plain decimal notation every number flag takes ('0.5', '-1', '1e-3'). */
export function isPlainDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Why a number that Number() reads is refused: ' (plain digits only: ...)' when spaces, a + sign or leading zeros are the only fault. */
function plainHint(text: string, integer: boolean): string {
  const loose = integer ? /^[+-]?\d+$/ : LOOSE_DECIMAL;
  if (!loose.test(text.trim()) || !Number.isFinite(Number(text))) return '';
  return integer ? ' (plain digits only: no spaces, no sign, no leading zeros)' : ' (plain decimal notation only: no spaces, no + sign, no leading zeros)';
}

/** Parsed flags with typed, checked accessors. */
export class Flags {
  constructor(
    private readonly values: ReadonlyMap<string, RawValue>,
    readonly positionals: readonly string[],
    private readonly specs: ReadonlyMap<string, FlagSpec> = new Map(),
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  boolean(name: string): boolean {
    return this.values.get(name) === true;
  }

  string(name: string): string | undefined {
    const value = this.values.get(name);
    return typeof value === 'string' ? value : Array.isArray(value) ? value[value.length - 1] : undefined;
  }

  strings(name: string): string[] {
    const value = this.values.get(name);
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  }

  number(name: string, check: { min?: number; max?: number; positive?: boolean } = {}): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    const what = check.positive === true ? 'a positive number' : 'a number';
    // Decimal notation only: Number() also takes '0x10', '0b1', '' (0), ' 3' and '+3', which no flag means.
    if (!DECIMAL.test(text) || !Number.isFinite(value)) throw usageError(`--${name} must be ${what}, got '${text}'${plainHint(text, false)}`);
    // '1e-400' is not 0: a value too small for a double would silently become one.
    if (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0])) throw usageError(`--${name}: ${text} is too small to represent (it would become 0)`);
    if (check.positive === true && value <= 0) throw usageError(`--${name} must be ${what}, got ${text}`);
    if (check.min !== undefined && value < check.min) throw usageError(`--${name} must be at least ${check.min}, got ${text}`);
    const max = check.max ?? this.specs.get(name)?.max;
    if (max !== undefined && value > max) throw usageError(`--${name} must be at most ${max}, got ${text}`);
    if (this.specs.get(name)?.float32 === true) checkFloat32(name, text, value);
    return value;
  }

  /** A whole number from `min` to the flag's `max` (MAX_INTEGER when it declares none). */
  integer(name: string, min = 1): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    return this.checkedInteger(name, text, min, `a whole number of at least ${min}`, text);
  }

  /** A comma-separated list of names ('mlp,cnn'). */
  names(name: string): string[] | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const parts = text.split(',').map((p) => p.trim());
    if (parts.some((p) => p === '')) throw usageError(`--${name} must be a comma-separated list such as a,b, got '${text}'`);
    return parts;
  }

  /** A comma-separated list of positive integers ('256,128'), each at most the flag's `max`. */
  integers(name: string): number[] | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const what = 'a comma-separated list of positive whole numbers such as 256,128';
    return text.split(',').map((part) => this.checkedInteger(name, part, 1, what, text));
  }

  private checkedInteger(name: string, part: string, min: number, what: string, text: string): number {
    const value = Number(part);
    if (!WHOLE.test(part) || value < min) throw usageError(`--${name} must be ${what}, got '${text}'${value >= min ? plainHint(part, true) : ''}`);
    const max = this.specs.get(name)?.max ?? MAX_INTEGER;
    if (value > max) {
      const list = part === text ? '' : ` in '${text}'`;
      throw usageError(`--${name} must be at most ${max}, got ${part}${list}`);
    }
    return value;
  }
}

/** A float32 flag's value that float32 arithmetic would turn into 0 or Infinity is refused, saying so. */
function checkFloat32(name: string, text: string, value: number): void {
  const fault = float32Fault(value);
  if (fault !== undefined) throw usageError(`--${name}: ${text} ${fault}; give a ${Math.fround(value) === 0 ? 'larger' : 'smaller'} value`);
}

/**
 * Parses `argv` against `specs`: `--name value`, `--name=value`, `-x value`, boolean `--name`,
 * `--` ends the flags. Unknown flags and missing values are usage errors.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], command: string): Flags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]));
  const values = new Map<string, RawValue>();
  /** Each flag's value as given (a boolean's too), to name both when one is given twice. */
  const given = new Map<string, string | boolean>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const name = long ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1, eq < 0 ? undefined : eq);
    const spec = long ? byName.get(name) : byShort.get(name);
    if (spec === undefined) throw unknownFlag(arg, long ? name : undefined, specs, command);
    let value: string | boolean;
    if (spec.type === 'boolean') {
      if (eq >= 0) {
        const text = arg.slice(eq + 1);
        if (text !== 'true' && text !== 'false') throw usageError(`--${spec.name} takes no value (got '${text}')`);
        value = text === 'true';
      } else value = true;
    } else if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw usageError(`--${spec.name} needs a value (${spec.value ?? spec.type})`);
      value = next;
      i++;
    }
    // An empty name is never meant: `--out ""` would quietly mean the current directory (numbers say so themselves).
    if (value === '' && spec.type === 'string') throw usageError(`--${spec.name} needs a value (${spec.value ?? spec.type}), got an empty string`);
    // A flag given twice would silently mean its last value: only a repeatable one collects them.
    if (spec.repeatable !== true && given.has(spec.name)) throw repeatedFlag(spec, given.get(spec.name)!, value);
    given.set(spec.name, value);
    if (spec.repeatable === true && typeof value === 'string') {
      const previous = values.get(spec.name);
      values.set(spec.name, [...(Array.isArray(previous) ? previous : []), value]);
    } else if (value === false) {
      values.delete(spec.name);
    } else {
      values.set(spec.name, value);
    }
  }
  return new Flags(values, positionals, byName);
}

function repeatedFlag(spec: FlagSpec, first: string | boolean, second: string | boolean): Error {
  const shown = (value: string | boolean): string => (typeof value === 'boolean' ? `--${spec.name}${value ? '' : '=false'}` : `'${value}'`);
  const values = first === second && typeof first === 'boolean' ? '' : ` (${shown(first)}, then ${shown(second)})`;
  const list = spec.type === 'list' ? ` (a list is one value, comma-separated: --${spec.name} ${String(first)},${String(second)})` : '';
  return usageError(`--${spec.name} is given twice${values}; give it once${list}`);
}

function unknownFlag(arg: string, name: string | undefined, specs: readonly FlagSpec[], command: string): Error {
  const shown = arg.split('=')[0];
  const nearest = name === undefined ? undefined : nearestId(name, specs.map((s) => s.name));
  const hint = nearest === undefined ? '' : `; did you mean --${nearest}?`;
  return usageError(`unknown flag ${shown} for '${command}'${hint} (see '${command} --help')`);
}

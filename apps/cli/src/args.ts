// A small, strict command-line parser: every flag is declared; an unknown one is answered with
// the nearest declared flag.
import { nearestId } from '@keel/registry';
import { usageError } from './errors.js';

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
}

type RawValue = string | boolean | string[];

/** Parsed flags with typed, checked accessors. */
export class Flags {
  constructor(
    private readonly values: ReadonlyMap<string, RawValue>,
    readonly positionals: readonly string[],
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
    if (text.trim() === '' || !Number.isFinite(value)) throw usageError(`--${name} must be ${what}, got '${text}'`);
    if (check.positive === true && value <= 0) throw usageError(`--${name} must be ${what}, got ${text}`);
    if (check.min !== undefined && value < check.min) throw usageError(`--${name} must be at least ${check.min}, got ${text}`);
    if (check.max !== undefined && value > check.max) throw usageError(`--${name} must be at most ${check.max}, got ${text}`);
    return value;
  }

  integer(name: string, min = 1): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\s*[+-]?\d+\s*$/.test(text) || value < min) throw usageError(`--${name} must be a whole number of at least ${min}, got '${text}'`);
    return value;
  }

  /** A comma-separated list of names ('mlp,cnn'). */
  names(name: string): string[] | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const parts = text.split(',').map((p) => p.trim());
    if (parts.some((p) => p === '')) throw usageError(`--${name} must be a comma-separated list such as a,b, got '${text}'`);
    return parts;
  }

  /** A comma-separated list of positive integers ('256,128'). */
  integers(name: string): number[] | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const parts = text.split(',').map((p) => p.trim());
    if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
      throw usageError(`--${name} must be a comma-separated list of positive whole numbers such as 256,128, got '${text}'`);
    }
    return parts.map(Number);
  }
}

/**
 * Parses `argv` against `specs`: `--name value`, `--name=value`, `-x value`, boolean `--name`,
 * `--` ends the flags. Unknown flags and missing values are usage errors.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], command: string): Flags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]));
  const values = new Map<string, RawValue>();
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
    if (spec.repeatable === true && typeof value === 'string') {
      const previous = values.get(spec.name);
      values.set(spec.name, [...(Array.isArray(previous) ? previous : []), value]);
    } else if (value === false) {
      values.delete(spec.name);
    } else {
      values.set(spec.name, value);
    }
  }
  return new Flags(values, positionals);
}

function unknownFlag(arg: string, name: string | undefined, specs: readonly FlagSpec[], command: string): Error {
  const shown = arg.split('=')[0];
  const nearest = name === undefined ? undefined : nearestId(name, specs.map((s) => s.name));
  const hint = nearest === undefined ? '' : `; did you mean --${nearest}?`;
  return usageError(`unknown flag ${shown} for '${command}'${hint} (see '${command} --help')`);
}

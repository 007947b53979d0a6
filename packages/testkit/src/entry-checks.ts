import type { EntryOf, Kind, OptionFields, Registry } from '@keel/registry';
import { formatConfig } from './format-config.js';
import type { EntrySource } from './registry-with.js';
import { attempt, type CheckResult } from './report.js';

// The checks every registered entry gets, whatever its kind: what `keel plugins` shows, and how
// its options are declared and enforced.

/** Configurations `create` must accept: one per suite, the empty one (all defaults) unless given. */
export type EntryConfig = Readonly<Record<string, unknown>>;

export interface EntryCheckOptions extends EntrySource {
  /** Configurations `create` must accept (default: the empty one, every option at its default). */
  configs?: readonly EntryConfig[];
}

export const DESCRIPTION_CHECK = 'has a description';

/** Looks the entry up: the check (naming the providing plugin, or quoting the unknown-id error) and the entry. */
export function registeredCheck<K extends Kind>(registry: Registry, kind: K, id: string): { result: CheckResult; entry: EntryOf<K> | undefined } {
  let entry: EntryOf<K> | undefined;
  const result = attempt('is registered', () => {
    entry = registry.resolve(kind, id);
    return `provided by ${registry.describe(kind, id).plugin.name}`;
  });
  return { result, entry };
}

export function descriptionCheck(description: unknown): CheckResult {
  return attempt(DESCRIPTION_CHECK, () =>
    typeof description === 'string' && description.trim() !== ''
      ? description
      : { check: '', ok: false, message: 'the description is empty; `keel plugins` and registry.describe show it: say in a few words what the entry does' },
  );
}

/**
 * The declared options, each a well-formed field; `advice` is the declaration to suggest when
 * there is none (`options: { lr: … }`).
 */
export function declaredOptionsCheck(check: string, who: string, fields: OptionFields | undefined, advice: string): CheckResult {
  return attempt(check, () => {
    if (fields === undefined) {
      return {
        check: '',
        ok: false,
        message: `the entry declares no options, so ${who} cannot reject a typo and the CLI cannot tell which flags it takes. Add \`options: { ${advice}, ... }\` (OptionFields from @keel/registry) listing every option create reads`,
      };
    }
    for (const [name, field] of Object.entries(fields)) {
      if (typeof field?.expected !== 'string' || typeof field.accepts !== 'function') {
        return { check: '', ok: false, message: `option '${name}' is not an OptionField: it needs expected (a string) and accepts (a function); build it with optionField from @keel/registry` };
      }
    }
    const names = Object.keys(fields);
    return names.length === 0 ? 'none (it takes no options)' : names.join(', ');
  });
}

/** `lr` → `lrr`: one letter off, so the entry's check must suggest the real name. */
function typoOf(name: string, taken: readonly string[]): string {
  const doubled = `${name}${name.at(-1) ?? 'x'}`;
  return taken.includes(doubled) ? `${name}_` : doubled;
}

/** A value the misspelt option is given: the real option's known value, else one its field accepts. */
function plausibleValue(name: string, fields: OptionFields | undefined, values: EntryConfig): unknown {
  if (values[name] !== undefined) return values[name];
  const field = fields?.[name];
  if (field?.default !== undefined) return field.default;
  const candidates: unknown[] = [0.01, 0.5, 1, 2, true, false, 'mean', 'none'];
  if (field !== undefined) return candidates.find((value) => field.accepts(value)) ?? 0.01;
  return name === 'reduction' ? 'mean' : 0.01;
}

export interface TypoCheckOptions {
  /** The option names the entry declares; undefined when it declares none. */
  readonly declared: readonly string[] | undefined;
  /** Known values by name (a configuration, an activation's defaults), to give the misspelt option. */
  readonly values: EntryConfig;
  readonly fields?: OptionFields;
  /** The option to misspell when none is declared or known (`lr`, `reduction`). */
  readonly fallback: string;
  /** What `create` returns, for the message when it accepts the typo: 'an optimizer'. */
  readonly built: string;
}

/**
 * Creates the entry with a misspelt option (a declared one with its last letter doubled) and
 * expects an error suggesting the real name; an entry without options must refuse any option.
 * `create` is `createOptimizer(registry, id, config)` or its like; `call` shows it in messages.
 */
export function typoCheck(check: string, call: (config: EntryConfig) => string, create: (config: EntryConfig) => unknown, options: TypoCheckOptions): CheckResult {
  return attempt(check, () => {
    const { declared } = options;
    const name = declared === undefined ? (Object.keys(options.values)[0] ?? options.fallback) : declared[0];
    const typo = name === undefined ? 'unknownOption' : typoOf(name, declared ?? []);
    const config = { [typo]: name === undefined ? 1 : plausibleValue(name, options.fields, options.values) };
    try {
      create(config);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (name === undefined ? /takes no options/.test(message) : message.includes(`did you mean '${name}'`)) return message;
      const wanted = name === undefined ? 'saying it takes no options' : `suggesting '${name}'`;
      return { check: '', ok: false, message: `${call(config)} threw, but without ${wanted}: ${message}` };
    }
    return { check: '', ok: false, message: `${call(config)} built ${options.built}: a misspelt option is silently ignored. Declare the entry's options` };
  });
}

/** `createOptimizer(registry, 'acme/x', {lrr: 0.01})`. */
export function callOf(fn: string, id: string, config: EntryConfig): string {
  return `${fn}(registry, '${id}', ${formatConfig(config)})`;
}

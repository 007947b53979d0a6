import { renderTable } from '@keel/layers';
import type { Flags } from '../args.js';
import type { Command, Context } from '../common.js';
import { describeValue, listOptions, nearestId, type OptionInfo, type Registry } from '@keel/registry';
import { backendUnavailableReason, bestBackend } from '@keel/tensor';
import { declaredOptions } from '../declared-options.js';
import { EXIT, usageError, withFlag } from '../errors.js';

interface Row {
  readonly kind: string;
  readonly id: string;
  readonly plugin: string;
  readonly version: string;
}

/** What `--describe` shows of one entry (and `--json` gives as one object). */
interface Described {
  readonly kind: string;
  /** The lookup key (the id, or `op@backend` for a kernel). */
  readonly id: string;
  readonly plugin: string;
  readonly version: string;
  readonly description: string | null;
  /** The plugin whose entry this one replaced (`override: true`). */
  readonly overrode?: string;
  /** Its declared options; null when it declares none (a plugin's, whose options go unchecked). */
  readonly options: OptionInfo[] | null;
}

function describeEntry(registry: Registry, kind: string, key: string): Described {
  const { plugin, entry, overrode } = registry.describe(kind, key);
  const options = declaredOptions(registry, kind, key);
  return {
    kind,
    id: key,
    plugin: plugin.name,
    version: plugin.version,
    description: typeof entry.description === 'string' && entry.description !== '' ? entry.description : null,
    ...(overrode === undefined ? {} : { overrode: `${overrode.name}@${overrode.version}` }),
    options: options === undefined ? null : listOptions(options),
  };
}

/** The entries `id` names in `kinds`: by key, or by id for a keyed kind (`relu` finds the kernels `relu@js`, ...). */
function entriesNamed(registry: Registry, kinds: readonly string[], id: string): { kind: string; key: string }[] {
  return kinds.flatMap((kind) => registry.list(kind).filter((key) => key === id || registry.describe(kind, key).id === id).map((key) => ({ kind, key })));
}

function optionRows(options: readonly OptionInfo[]): string[][] {
  return options.map((o) => [o.name, o.expected, o.required ? '(required)' : o.default === undefined ? '-' : describeValue(o.default), o.description ?? '']);
}

/** `keel plugins --describe <id>`: each entry the id names (one per kind), with its options. */
function describe(registry: Registry, kinds: readonly string[], only: string | undefined, id: string, context: Context): void {
  const found = entriesNamed(registry, only === undefined ? kinds : [only], id);
  // One kind: the registry's own error, with the nearest id of that kind.
  if (found.length === 0 && only !== undefined) withFlag('describe', () => registry.resolve(only, id));
  if (found.length === 0) {
    const all = kinds.flatMap((kind) => registry.list(kind).map((key) => ({ kind, key })));
    const nearest = nearestId(id, all.map((e) => e.key));
    const hint = nearest === undefined ? '' : `; did you mean '${nearest}' (${all.filter((e) => e.key === nearest).map((e) => e.kind).join(', ')})?`;
    throw usageError(`--describe: no entry '${id}' in any kind${hint} ('keel plugins' lists them all; --plugin adds a plugin's)`);
  }
  const { out } = context;
  found.forEach(({ kind, key }, i) => {
    const entry = describeEntry(registry, kind, key);
    out.event('describe', { ...entry });
    if (i > 0) out.line();
    out.line(`${entry.id} (${entry.kind}) from ${entry.plugin} ${entry.version}${entry.overrode === undefined ? '' : `, replacing ${entry.overrode}'s`}`);
    out.line(`  ${entry.description ?? '(no description)'}`);
    if (entry.options === null) out.line('  options: not declared (settings given with its id cannot be checked)');
    else if (entry.options.length === 0) out.line('  options: none');
    else out.line(renderTable(['Option', 'Expected', 'Default', 'Description'], optionRows(entry.options)).replace(/^/gm, '  '));
  });
  if (found.length > 1) out.line(`\n'${id}' names ${found.length} entries; --kind ${found[0].kind} shows one`);
}

function run(flags: Flags, context: Context): Promise<number> {
  const { registry, out } = context;
  if (flags.positionals.length > 0) throw usageError(`keel plugins takes no arguments besides flags, got '${flags.positionals[0]}'`);
  // Kernels (one per op and backend) are many and rarely what one looks for: list them last.
  const lowLevel = ['backend', 'kernel'];
  const all = registry.kinds().map((k) => k.name);
  const kinds = [...all.filter((k) => !lowLevel.includes(k)), ...lowLevel.filter((k) => all.includes(k))];
  const only = flags.string('kind');
  if (only !== undefined && !kinds.includes(only)) {
    const nearest = nearestId(only, kinds);
    throw usageError(`--kind: unknown kind '${only}'${nearest === undefined ? '' : `; did you mean '${nearest}'?`} kinds: ${kinds.join(', ')}`);
  }
  const wanted = flags.string('describe');
  if (wanted !== undefined) {
    describe(registry, kinds, only, wanted, context);
    return Promise.resolve(EXIT.ok);
  }
  const rows: Row[] = [];
  for (const kind of only === undefined ? kinds : [only]) {
    for (const key of registry.list(kind)) {
      const { plugin } = registry.describe(kind, key);
      rows.push({ kind, id: key, plugin: plugin.name, version: plugin.version });
    }
  }
  for (const row of rows) out.event('entry', { ...row });
  out.line(renderTable(['Id', 'Kind', 'Plugin', 'Version'], rows.map((r) => [r.id, r.kind, r.plugin, r.version])));
  if (only === undefined || only === 'backend') {
    // A backend can be registered and still not run here (no WebAssembly SIMD, a native addon that did not build).
    const best = bestBackend();
    const status = registry.list('backend').map((id) => ({ id, unavailable: backendUnavailableReason(id) }));
    for (const b of status) out.event('backend', { id: b.id, available: b.unavailable === undefined, best: b.id === best, ...(b.unavailable === undefined ? {} : { reason: b.unavailable }) });
    out.line('Backends:');
    for (const b of status) out.line(`  ${b.id.padEnd(8)} ${b.unavailable === undefined ? `ready${b.id === best ? ' (the default: the fastest that runs here)' : ''}` : `unavailable: ${b.unavailable}`}`);
  }
  const plugins = registry.plugins();
  out.line(`${rows.length} entries from ${plugins.length} plugins: ${plugins.map((p) => `${p.name}@${p.version}`).join(', ')}`);
  out.event('plugins', { count: rows.length, plugins });
  return Promise.resolve(EXIT.ok);
}

export const pluginsCommand: Command = {
  name: 'plugins',
  summary: "list everything registered: Keel's plugins and any --plugin ones",
  usage: 'keel plugins [--kind <kind>] [--describe <id>] [--plugin <module>]',
  flags: [
    { name: 'kind', type: 'string', value: 'kind', description: 'only this kind (activation, initializer, layer, loss, optimizer, metric, dataset, callback, kernel, backend)' },
    { name: 'describe', type: 'string', value: 'id', description: "an entry's kind, plugin and version, description, and each option's type, default and description (every kind the id is registered under, or --kind's)" },
  ],
  details: [
    'Examples:',
    '  keel plugins',
    '  keel plugins --kind activation',
    '  keel plugins --describe leakyRelu',
    '  keel plugins --describe relu --kind activation --json',
    '  keel plugins --plugin ./my-plugin.js --kind activation',
  ].join('\n'),
  run,
};

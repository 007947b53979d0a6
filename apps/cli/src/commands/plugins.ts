import { renderTable } from '@keel/layers';
import type { Flags } from '../args.js';
import type { Command, Context } from '../common.js';
import { nearestId } from '@keel/registry';
import { backendUnavailableReason, bestBackend } from '@keel/tensor';
import { EXIT, usageError } from '../errors.js';

interface Row {
  readonly kind: string;
  readonly id: string;
  readonly plugin: string;
  readonly version: string;
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
  usage: 'keel plugins [--kind <kind>] [--plugin <module>]',
  flags: [{ name: 'kind', type: 'string', value: 'kind', description: 'only this kind (activation, initializer, layer, loss, optimizer, metric, dataset, callback, kernel, backend)' }],
  details: ['Examples:', '  keel plugins', '  keel plugins --kind activation', '  keel plugins --plugin ./my-plugin.js --kind activation'].join('\n'),
  run,
};

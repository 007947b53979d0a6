// Flags every command takes, and the set-up they trigger: plugins, backend, output mode.
import { defaultRegistry, type PluginInfo, type Registry } from '@keel/registry';
import { bestBackend, getBackend } from '@keel/tensor';
import { parseFlags, type FlagSpec, type Flags } from './args.js';
import { Output, type Io } from './output.js';
import { installKeel, loadPlugins, selectBackend, setThreads } from './setup.js';

export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'plugin', type: 'string', value: 'module', repeatable: true, description: 'import a plugin package or file and registry.use() every Plugin it exports (repeatable)' },
  { name: 'backend', type: 'string', value: 'name', description: "the tensor backend: native (when it built here), wasm or js (default: the fastest that runs here)" },
  { name: 'threads', type: 'integer', value: 'n', description: 'threads for the wasm and native backends (default: one per core; 1 is deterministic)' },
  { name: 'json', type: 'boolean', description: 'print one JSON object per line instead of text' },
  { name: 'verbose', type: 'boolean', description: 'print more detail, and stack traces on errors' },
  HELP_FLAG,
];

/** A command: its flags, its help text, and what it does. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: readonly FlagSpec[];
  /** Extra help after the flags (examples, notes). */
  readonly details?: string;
  run(flags: Flags, context: Context): Promise<number>;
}

/** What a command runs with: output, the registry with plugins installed, the plugins from --plugin. */
export interface Context {
  readonly io: Io;
  readonly out: Output;
  readonly registry: Registry;
  readonly plugins: readonly PluginInfo[];
  readonly backend: string;
}

export function parseCommandFlags(command: Command, argv: readonly string[]): Flags {
  return parseFlags(argv, [...command.flags, ...COMMON_FLAGS], `keel ${command.name}`);
}

/** Installs Keel's plugins and the --plugin ones, and selects the --backend. */
/** What the --plugin plugins replaced with `override: true`: a run's `relu` may no longer be Keel's. */
function overrides(registry: Registry, plugins: readonly PluginInfo[]): string[] {
  const loaded = new Set(plugins.map((p) => `${p.name}@${p.version}`));
  const notes: string[] = [];
  for (const { name: kind } of registry.kinds()) {
    for (const id of registry.list(kind)) {
      const { plugin, overrode } = registry.describe(kind, id);
      if (overrode !== undefined && loaded.has(`${plugin.name}@${plugin.version}`)) {
        notes.push(`${kind} '${id}' now comes from ${plugin.name}@${plugin.version}, replacing ${overrode.name}@${overrode.version}'s (override: true)`);
      }
    }
  }
  return notes;
}

export async function prepare(flags: Flags, io: Io): Promise<Context> {
  const out = new Output(io, { json: flags.boolean('json'), verbose: flags.boolean('verbose') });
  const registry = installKeel(defaultRegistry);
  const plugins = await loadPlugins(flags.strings('plugin'), io.cwd, registry);
  for (const p of plugins) out.debug(`plugin ${p.name}@${p.version} installed`);
  for (const note of overrides(registry, plugins)) out.warn(note);
  const threads = flags.integer('threads');
  if (threads !== undefined) setThreads(threads);
  const backend = flags.string('backend');
  selectBackend(backend ?? bestBackend());
  return { io, out, registry, plugins, backend: getBackend() };
}

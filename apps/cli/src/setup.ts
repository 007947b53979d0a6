// The registry the CLI works with: Keel's own plugins, then any --plugin modules, then the backend.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import { dataPlugin } from '@keel/data';
import { defaultRegistry, loadedCopies, pluginLabel, reportCopiesInApp, RegistryError, type Plugin, type PluginInfo, type Registry } from '@keel/registry';
import { installNativeBackend, setNativeThreads } from '@keel/backend-native';
import { installWasmBackend, setWasmThreads } from '@keel/backend-wasm';
import { installTensorPlugin, setBackend } from '@keel/tensor';
import { installTrain } from '@keel/train';
import { CliError, EXIT, oneLine, withFlag } from './errors.js';
import { providePeersToPlugins } from './plugin-peers.js';

/** Installs every Keel plugin (tensor backends and kernels, layers, activations, initializers, losses, optimizers, metrics, callbacks, datasets). */
export function installKeel(registry: Registry = defaultRegistry): Registry {
  installTensorPlugin(registry);
  installWasmBackend(registry);
  // Optional: registers even when the addon did not build (it then reports why, and is never picked).
  installNativeBackend(registry);
  installTrain(registry);
  registry.use(dataPlugin);
  return registry;
}

function isPlugin(value: unknown): value is Plugin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.version === 'string' && typeof v.provides === 'object' && v.provides !== null;
}

/** Every Plugin a module exports (directly, or in an exported array), each once. */
export function pluginsIn(module: Record<string, unknown>): Plugin[] {
  const found = new Set<Plugin>();
  for (const value of Object.values(module)) {
    if (isPlugin(value)) found.add(value);
    else if (Array.isArray(value)) for (const item of value) if (isPlugin(item)) found.add(item);
  }
  return [...found];
}

/**
 * The URL to import for a --plugin specifier: a path (relative to `cwd`), or a package resolved as
 * Node resolves an import from a file in `cwd` (so a global keel finds the plugin installed in the
 * user's project), then from keel's own install.
 */
function pluginUrl(specifier: string, cwd: string): string {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier) || /\.(c|m)?js$/.test(specifier);
  const path = resolve(cwd, specifier);
  if (looksLikePath || existsSync(path)) {
    if (!existsSync(path)) throw new CliError(`--plugin ${specifier}: no such file (${path})`, EXIT.usage);
    return pathToFileURL(path).href;
  }
  const fromProject = pathToFileURL(join(cwd, 'keel-plugin-importer.js')).href;
  for (const parent of [fromProject, import.meta.url]) {
    try {
      return resolveImport(specifier, parent);
    } catch {
      // not installed there: try the next place
    }
  }
  throw new CliError(
    `--plugin ${specifier}: no such package, from ${cwd} or from keel's own install (${fileURLToPath(new URL('..', import.meta.url))}); install it in your project (npm install ${specifier}) or pass its path`,
    EXIT.usage,
  );
}

/**
 * A plugin that brought its own copy of Keel (@keel/* under its dependencies, not peerDependencies,
 * which resolve to this keel's: plugin-peers.ts) would build tensors this CLI cannot read: refuse
 * it, naming both copies and the fix.
 */
function checkOneKeel(specifier: string): void {
  const copies = loadedCopies();
  if (copies.length < 2) return;
  const where = copies.map((copy) => `${copy.version} at ${fileURLToPath(copy.url)}`).join(' and ');
  throw new CliError(
    `--plugin ${specifier}: it loads a second copy of Keel (@keel/registry ${where}), so its tensors and entries would not work with this keel. ` +
      "In the plugin's package.json, list @keel/* under peerDependencies (and devDependencies for its tests), not dependencies; then install the plugin into your project (npm install <plugin path>) so it uses the project's Keel, or remove the plugin's own node_modules/@keel",
    EXIT.usage,
  );
}

/** Imports each --plugin module and `registry.use()`s every Plugin it exports. */
export async function loadPlugins(specifiers: readonly string[], cwd: string, registry: Registry = defaultRegistry): Promise<PluginInfo[]> {
  reportCopiesInApp(); // checkOneKeel says it, with the fix
  if (specifiers.length > 0) providePeersToPlugins();
  const installed: PluginInfo[] = [];
  for (const specifier of specifiers) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pluginUrl(specifier, cwd))) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`--plugin ${specifier}: cannot import it (${oneLine(error)})`, EXIT.usage, { cause: error });
    }
    checkOneKeel(specifier);
    const plugins = pluginsIn(module);
    if (plugins.length === 0) {
      throw new CliError(`--plugin ${specifier}: the module exports no Keel plugin (an object with name, version and provides, as definePlugin makes)`, EXIT.usage);
    }
    for (const plugin of plugins) {
      try {
        installed.push(registry.use(plugin));
      } catch (error) {
        if (error instanceof RegistryError) throw new CliError(`--plugin ${specifier}: cannot install ${pluginLabel(plugin)}: ${oneLine(error)}`, EXIT.usage, { cause: error });
        throw error;
      }
    }
  }
  return installed;
}

/** Makes `name` the tensor backend; an unknown name gets the registry's did-you-mean. */
export function selectBackend(name: string): void {
  withFlag('backend', () => setBackend(name));
}

/** --threads: the worker threads of 'wasm' and the BLAS/loop threads of 'native'. */
export function setThreads(threads: number): void {
  setWasmThreads(threads);
  setNativeThreads(threads);
}

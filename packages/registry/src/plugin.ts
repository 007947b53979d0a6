import { RegistryError } from './errors.js';
import type { EntryOf, Kind } from './kinds.js';

/**
 * Entries a plugin provides, grouped by kind. A kind a package declares itself is listed here once
 * it is augmented into `KindEntries` (which also types its entries). No catch-all string index:
 * it would hide each kind's entry type from inline entries (`create: (config) => ...`).
 */
export type Provides = { readonly [K in Kind]?: readonly EntryOf<K>[] };

/** A plugin: a named, versioned manifest of what it provides. */
export interface Plugin {
  /** The npm package name (or another stable name) of whoever provides the entries. */
  readonly name: string;
  /** A semantic version; saved models record it next to every id they use. */
  readonly version: string;
  readonly description?: string;
  readonly provides: Provides;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Checks a plugin's manifest: a non-empty name, a semver version, a `provides` object. Both
 * `definePlugin` and `registry.use` run it, so a plain object exported without `definePlugin`
 * cannot bring a version such as 'latest' into saved models' provenance.
 */
export function checkManifest(plugin: Plugin): void {
  if (typeof plugin !== 'object' || plugin === null) {
    throw new RegistryError('invalid-plugin', `a plugin is an object { name, version, provides }, got ${plugin === null ? 'null' : typeof plugin}`);
  }
  if (typeof plugin.name !== 'string' || plugin.name.trim() === '') {
    throw new RegistryError('invalid-plugin', 'a plugin needs a non-empty name (usually its npm package name)');
  }
  if (typeof plugin.version !== 'string' || !SEMVER.test(plugin.version)) {
    throw new RegistryError(
      'invalid-plugin',
      `plugin ${plugin.name} has version '${String(plugin.version)}'; a plugin version is semver, like '1.0.0'`,
    );
  }
  if (typeof plugin.provides !== 'object' || plugin.provides === null) {
    throw new RegistryError('invalid-plugin', `plugin ${plugin.name} has no 'provides' object`);
  }
}

/**
 * Declares a plugin. It only checks the manifest and returns it unchanged (typed);
 * nothing is registered until `registry.use(plugin)`.
 */
export function definePlugin<const P extends Plugin>(plugin: P): P {
  checkManifest(plugin);
  return plugin;
}

/** `name@version`, as plugins are named in messages. */
export function pluginLabel(plugin: Pick<Plugin, 'name' | 'version'>): string {
  return `${plugin.name}@${plugin.version}`;
}

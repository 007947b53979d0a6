import { RegistryError, UnknownIdError } from './errors.js';
import { isNamespaced, isValidId, mayUsePlainIds, type IdOf } from './ids.js';
import { builtinKindDefinitions, type EntryBase, type EntryOf, type Kind, type KindDefinition } from './kinds.js';
import { nearestId } from './nearest.js';
import { checkManifest, pluginLabel, type Plugin } from './plugin.js';

/** Who provided an entry. */
export interface PluginInfo {
  readonly name: string;
  readonly version: string;
}

/** What `describe` returns: the entry, where it came from, and what it replaced. */
export interface Description<K extends string = string> {
  readonly kind: K;
  readonly id: string;
  /** The lookup key; equal to the id except for keyed kinds such as kernels (`matmul@js`). */
  readonly key: string;
  readonly plugin: PluginInfo;
  readonly entry: EntryOf<K>;
  /** The plugin whose entry this one replaced with `override: true`, if any. */
  readonly overrode?: PluginInfo;
}

export interface UseOptions {
  /** Replace every entry of this plugin that collides with a registered one. */
  readonly override?: boolean;
}

export interface RegistryOptions {
  /** A label used in messages; handy when a test creates several registries. */
  readonly name?: string;
}

interface Stored {
  readonly kind: string;
  readonly key: string;
  readonly entry: EntryBase;
  readonly plugin: PluginInfo;
  readonly overrode?: PluginInfo;
}

interface PlannedEntry {
  readonly kind: string;
  readonly key: string;
  readonly entry: EntryBase;
  readonly replaces?: Stored;
}

/**
 * The plugin registry: every kernel, activation, layer, loss, optimizer ... that Keel
 * can use by id is in one of these. Create one per test; use `defaultRegistry` in apps.
 */
/** Namespaces only Keel's own packages may use. */
const RESERVED_NAMESPACES: readonly string[] = ['keel'];

export class Registry {
  readonly name: string;
  private readonly kindDefs = new Map<string, KindDefinition>();
  private readonly stores = new Map<string, Map<string, Stored>>();
  private readonly installed = new Map<string, PluginInfo>();
  private frozen = false;
  private changes = 0;

  constructor(options: RegistryOptions = {}) {
    this.name = options.name ?? 'registry';
    for (const def of builtinKindDefinitions) this.addKind(def);
  }

  /** Declares a new kind (augment `KindEntries` too, so its entries are typed). */
  defineKind(definition: KindDefinition): void {
    this.assertMutable(`define kind '${definition.name}'`);
    if (!/^[a-z][a-zA-Z0-9-]*$/.test(definition.name)) {
      throw new RegistryError('invalid-id', `kind name '${definition.name}' must be a lower-case word like 'scheduler'`);
    }
    if (this.kindDefs.has(definition.name)) {
      throw new RegistryError('conflict', `kind '${definition.name}' is already defined`);
    }
    this.addKind(definition);
    this.changes++;
  }

  /** The kinds this registry knows, built-in ones first. */
  kinds(): KindDefinition[] {
    return [...this.kindDefs.values()];
  }

  /**
   * Installs a plugin, all or nothing: if any entry is invalid or collides with a registered
   * one (and is not marked `override`), nothing of the plugin is installed.
   * Installing the very same plugin name and version again is a no-op.
   */
  use(plugin: Plugin, options: UseOptions = {}): PluginInfo {
    // a plain object (not made by definePlugin) gets the same checks: a version 'latest' would be recorded in saved models
    checkManifest(plugin);
    const info: PluginInfo = { name: plugin.name, version: plugin.version };
    const previous = this.installed.get(plugin.name);
    if (previous !== undefined && previous.version === plugin.version) return previous;
    this.assertMutable(`install ${pluginLabel(info)}`);

    const plan = this.plan(plugin, info, options);
    for (const step of plan) {
      const stored: Stored = {
        kind: step.kind,
        key: step.key,
        entry: step.entry,
        plugin: info,
        ...(step.replaces === undefined ? {} : { overrode: step.replaces.plugin }),
      };
      this.store(step.kind).set(step.key, stored);
    }
    this.installed.set(plugin.name, info);
    this.changes++;
    return info;
  }

  /** Typed lookup: `id` must be an id the compiler knows (see `RegisteredIds`). */
  get<K extends Kind>(kind: K, id: IdOf<K>): EntryOf<K> {
    return this.resolve(kind, id);
  }

  /** Lookup by any string (a CLI flag, a saved config). Unknown ids throw an `UnknownIdError`. */
  resolve<K extends Kind>(kind: K, id: string): EntryOf<K>;
  resolve(kind: string, id: string): EntryBase;
  resolve(kind: string, id: string): EntryBase {
    return this.find(kind, id).entry;
  }

  has(kind: string, id: string): boolean {
    return this.store(kind).has(id);
  }

  /**
   * `has` as a type guard: a runtime string (a CLI flag, a saved config) that is registered under
   * `kind` narrows to `IdOf<K>`, so it can be passed to the typed APIs (`createOptimizer`, `fit`'s
   * `optimizer`, ...) after this check instead of through a cast.
   */
  isId<K extends Kind>(kind: K, id: string): id is IdOf<K> {
    return this.has(kind, id);
  }

  /**
   * A runtime string checked against the registry and returned as a typed id: an unknown id throws
   * the `UnknownIdError` `resolve` throws (with the nearest registered id).
   */
  idOf<K extends Kind>(kind: K, id: string): IdOf<K> {
    this.find(kind, id);
    return id as IdOf<K>;
  }

  /** Registered keys of a kind, sorted. */
  list(kind: string): string[] {
    return [...this.store(kind).keys()].sort();
  }

  /** Which plugin (and version) provided an entry, its metadata, and what it replaced. */
  describe<K extends Kind>(kind: K, id: string): Description<K>;
  describe(kind: string, id: string): Description;
  describe(kind: string, id: string): Description {
    const stored = this.find(kind, id);
    return {
      kind,
      id: stored.entry.id,
      key: stored.key,
      plugin: stored.plugin,
      entry: stored.entry,
      ...(stored.overrode === undefined ? {} : { overrode: stored.overrode }),
    };
  }

  /** Installed plugins, in installation order. */
  plugins(): PluginInfo[] {
    return [...this.installed.values()];
  }

  /** Forbids every further change; lookups keep working. */
  freeze(): this {
    this.frozen = true;
    return this;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Increases with every change, so callers can cache lookups and notice when to refresh them. */
  get revision(): number {
    return this.changes;
  }

  private addKind(definition: KindDefinition): void {
    this.kindDefs.set(definition.name, definition);
    this.stores.set(definition.name, new Map());
  }

  private store(kind: string): Map<string, Stored> {
    const store = this.stores.get(kind);
    if (store === undefined) {
      const known = [...this.kindDefs.keys()];
      const near = nearestId(kind, known);
      const hint = near === undefined ? '' : `; did you mean '${near}'?`;
      throw new RegistryError('unknown-kind', `unknown kind '${kind}'${hint} known kinds: ${known.join(', ')}`);
    }
    return store;
  }

  private find(kind: string, id: string): Stored {
    const store = this.store(kind);
    const stored = store.get(id);
    if (stored === undefined) {
      const registered = [...store.keys()].sort();
      throw new UnknownIdError(kind, id, registered, nearestId(id, registered));
    }
    return stored;
  }

  private assertMutable(action: string): void {
    if (this.frozen) {
      throw new RegistryError('frozen', `cannot ${action}: ${this.name} is frozen (freeze() forbids further changes)`);
    }
  }

  /** Validates a whole plugin against the registry without changing anything. */
  private plan(plugin: Plugin, info: PluginInfo, options: UseOptions): PlannedEntry[] {
    const label = pluginLabel(info);
    const installedVersion = this.installed.get(plugin.name);
    if (installedVersion !== undefined) {
      throw new RegistryError(
        'conflict',
        `${label} cannot be installed: ${pluginLabel(installedVersion)} is already installed in ${this.name}`,
      );
    }
    const plan: PlannedEntry[] = [];
    const seen = new Set<string>();
    for (const [kind, entries] of Object.entries(plugin.provides)) {
      if (entries === undefined) continue;
      const definition = this.kindDefs.get(kind);
      if (definition === undefined) this.store(kind); // throws the unknown-kind error with suggestions
      const def = definition as KindDefinition;
      for (const entry of entries) {
        this.checkId(kind, entry, label);
        const key = def.keyOf ? def.keyOf(entry) : entry.id;
        const existing = this.store(kind).get(key);
        const overriding = entry.override === true || options.override === true;
        // Replacing an existing entry on purpose keeps its id; new third-party ids are namespaced.
        if (!(existing !== undefined && overriding)) this.checkNamespace(kind, def, entry, plugin.name, label, existing?.plugin);
        if (seen.has(`${kind}\u0000${key}`)) {
          throw new RegistryError('conflict', `${label} provides ${kind} '${key}' twice`);
        }
        seen.add(`${kind}\u0000${key}`);
        if (existing !== undefined && !overriding) {
          throw new RegistryError(
            'conflict',
            `${kind} '${key}' is already registered by ${pluginLabel(existing.plugin)}; ${label} tried to register it ` +
              `again. Nothing of ${label} was installed. Pass { override: true } to replace it deliberately.`,
          );
        }
        plan.push({ kind, key, entry, ...(existing === undefined ? {} : { replaces: existing }) });
      }
    }
    return plan;
  }

  private checkId(kind: string, entry: EntryBase, label: string): void {
    if (typeof entry !== 'object' || entry === null || typeof entry.id !== 'string') {
      throw new RegistryError('invalid-plugin', `${label} has a ${kind} entry without a string id`);
    }
    if (!isValidId(entry.id)) {
      throw new RegistryError(
        'invalid-id',
        `${label}: ${kind} id '${entry.id}' is not valid; use letters, digits, '.', '_' or '-', ` +
          `optionally under a namespace like 'acme/swish'`,
      );
    }
  }

  private checkNamespace(kind: string, def: KindDefinition, entry: EntryBase, pluginName: string, label: string, existing?: PluginInfo): void {
    if (def.namespaced === false || mayUsePlainIds(pluginName)) return;
    const namespace = pluginName.replace(/^@/, '').split('/')[0];
    if (!isNamespaced(entry.id)) {
      const replace = existing === undefined ? '' : `, or, to replace ${pluginLabel(existing)}'s '${entry.id}' deliberately, mark the entry { override: true }`;
      throw new RegistryError(
        'invalid-id',
        `${label}: ${kind} id '${entry.id}' must be namespaced (e.g. '${namespace}/${entry.id}'); plain ids are reserved for Keel's own packages${replace}`,
      );
    }
    if (RESERVED_NAMESPACES.includes(entry.id.replace(/^@/, '').split('/')[0])) {
      throw new RegistryError('invalid-id', `${label}: ${kind} id '${entry.id}' is in the 'keel' namespace, which is reserved for Keel's own packages; use your own (e.g. '${namespace}/${entry.id.split('/').pop()!}')`);
    }
  }
}

import type { OptionFields } from './options.js';

/**
 * The kinds of things a plugin can provide.
 *
 * `KindEntries` maps a kind to the type of its entries. It starts empty and each
 * package that owns a kind fills in its entry type by module augmentation:
 *
 * ```ts
 * declare module '@keel/registry' {
 *   interface KindEntries { activation: ActivationSpec }
 * }
 * ```
 *
 * Until a package does that, entries of a kind are typed as {@link EntryBase}.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation
export interface KindEntries {}

/** Kinds every registry knows from the start. */
export const builtinKinds = [
  'kernel',
  'activation',
  'initializer',
  'layer',
  'loss',
  'optimizer',
  'metric',
  'dataset',
  'callback',
] as const;

export type BuiltinKind = (typeof builtinKinds)[number];

/** A kind: a built-in one or one a package declared (and augmented into `KindEntries`). */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- empty until augmented
export type Kind = BuiltinKind | (keyof KindEntries & string);

/** What every entry has, whatever its kind. */
export interface EntryBase {
  /** Explicit string id, never derived from a class name. Third-party ids are namespaced: `acme/swish`. */
  readonly id: string;
  /** Replace an entry registered under the same id; without it a collision is an error. */
  readonly override?: boolean;
  /** What the entry does, in one line (`keel plugins` shows it). */
  readonly description?: string;
  /**
   * Every option the entry accepts, declared once (see `OptionField`): creating it by id checks the
   * options against these (unknown ones get a did-you-mean) and fills in the defaults, and
   * `keel plugins --describe` and the CLI's `id:key=value` settings read them.
   */
  readonly options?: OptionFields;
}

/** The type of an entry of kind `K`. */
export type EntryOf<K extends string> = K extends keyof KindEntries ? KindEntries[K] & EntryBase : EntryBase;

/** How a kind turns an entry into its lookup key and describes itself. */
export interface KindDefinition {
  readonly name: string;
  readonly description: string;
  /**
   * The key an entry is stored and looked up under. Defaults to the entry's id.
   * Kernels, for example, are keyed by op and backend: `matmul@js`.
   */
  readonly keyOf?: (entry: EntryBase) => string;
  /** Whether third-party plugins must namespace their ids (`acme/name`). Defaults to true. */
  readonly namespaced?: boolean;
}

interface KernelKeyed extends EntryBase {
  readonly backend?: string;
}

/** Kernels are keyed by op and backend (`matmul@js`), so many backends can implement one op. */
export function kernelKey(op: string, backend: string): string {
  return `${op}@${backend}`;
}

export const builtinKindDefinitions: readonly KindDefinition[] = [
  {
    name: 'kernel',
    description: 'a compute kernel, keyed by op and backend',
    keyOf: (entry) => {
      const backend = (entry as KernelKeyed).backend;
      if (typeof backend !== 'string' || backend.length === 0) {
        throw new TypeError(`kernel '${entry.id}' has no backend; a kernel entry needs { id: op, backend: name }`);
      }
      return kernelKey(entry.id, backend);
    },
    namespaced: false,
  },
  { name: 'activation', description: 'an activation function' },
  { name: 'initializer', description: 'a weight initializer' },
  { name: 'layer', description: 'a layer type' },
  { name: 'loss', description: 'a loss function' },
  { name: 'optimizer', description: 'an optimizer or gradient transform' },
  { name: 'metric', description: 'a training or evaluation metric' },
  { name: 'dataset', description: 'a data set loader' },
  { name: 'callback', description: 'a training callback' },
];

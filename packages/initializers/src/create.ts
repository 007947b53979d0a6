import type { IdOf, Registry } from '@keel/registry';
import { Tensor, formatShape, shapesEqual } from '@keel/tensor';
import { configureInitializer, InitializerConfigError, type InitializerConfig } from './config.js';
import type { InitContext, Initializer, InitializerEntry } from './initializer.js';

/** An initializer id the compiler knows (the built-ins, and any a plugin declared). */
export type InitializerId = IdOf<'initializer'>;

/**
 * An initializer by id (`'heNormal'`) or with its options (`{ id: 'constant', value: 0.1 }`): the
 * one type every API that takes an initializer uses (@keel/layers re-exports it). A typo in the id
 * is a compile error; a runtime string (a saved config, an activation's `recommendedInitializer`)
 * is narrowed first with `registry.isId('initializer', id)` or `registry.idOf('initializer', id)`.
 */
export type InitializerSpec = InitializerId | { readonly id: InitializerId; readonly [option: string]: number | string };

/** What `createInitializer` returns: an `Initializer` that also states its id and configuration. */
export type ConfiguredInitializer = Initializer & {
  readonly id: string;
  /** Defaults merged with the options given (serialised in model configs). */
  readonly config: InitializerConfig;
};

function splitSpec(spec: InitializerSpec): { id: string; given: Readonly<Record<string, unknown>> } {
  if (typeof spec === 'string') return { id: spec, given: {} };
  if (typeof spec !== 'object' || spec === null || typeof spec.id !== 'string') {
    throw new TypeError(`an initializer is an id like 'heNormal' or an object like { id: 'constant', value: 0.1 }, got ${JSON.stringify(spec)}`);
  }
  const { id, ...given } = spec;
  return { id, given };
}

function checkShape(id: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    throw new InitializerConfigError(id, undefined, `initializer '${id}': shape ${JSON.stringify(shape)} must be a list of non-negative integers`);
  }
}

/**
 * Configures an entry: checks `given` against its declared options and fills in the defaults (an
 * unknown option, a wrong type or a bad value throws an `InitializerConfigError`). The initializer it returns checks
 * the shape it is asked for and that the entry's tensor has that shape.
 */
export function initializerFromEntry(entry: InitializerEntry, given: Readonly<Record<string, unknown>> = {}): ConfiguredInitializer {
  if (typeof entry.create !== 'function') {
    throw new TypeError(`initializer '${entry.id}' is not a usable entry: it needs create(config) (see InitializerEntry)`);
  }
  const config = Object.freeze(configureInitializer(entry, given));
  const init = entry.create(config);
  const configured = (shape: readonly number[], context: InitContext): Tensor => {
    checkShape(entry.id, shape);
    const out = init(shape, context);
    if (!(out instanceof Tensor) || !shapesEqual(out.shape, shape)) {
      const got = out instanceof Tensor ? `a tensor of shape ${formatShape(out.shape)}` : String(out);
      throw new TypeError(`initializer '${entry.id}' was asked for shape ${formatShape(shape)} and returned ${got}`);
    }
    return out;
  };
  return Object.freeze(Object.assign(configured, { id: entry.id, config }));
}

/**
 * Looks an initializer up in `registry` and configures it. An unknown id throws the registry's
 * `UnknownIdError` (with the nearest registered id); a bad option an `InitializerConfigError`.
 *
 * ```ts
 * const init = createInitializer(registry, 'heNormal');
 * const kernel = init([784, 128], { ...fans([784, 128]), random: new Random(42) });
 * ```
 */
export function createInitializer(registry: Registry, spec: InitializerSpec): ConfiguredInitializer {
  const { id, given } = splitSpec(spec);
  return initializerFromEntry(registry.resolve('initializer', id), given);
}

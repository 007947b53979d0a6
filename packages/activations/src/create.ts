import { pluginLabel, type IdOf, type Registry } from '@keel/registry';
import { defineOp, engine, formatShape, shapesEqual, Tensor } from '@keel/tensor';
import type { Activation, ActivationEntry } from './activation.js';
import { ActivationError, activationLabel } from './activation-error.js';
import { checkMeta } from './check-meta.js';
import { ActivationConfigError, configureActivation, type ActivationConfig, type ConfigValue } from './config.js';

/** An activation id the compiler knows (the built-ins, and any a plugin declared). */
export type ActivationId = IdOf<'activation'>;

/**
 * An activation by id (`'relu'`) or with its options (`{ id: 'leakyRelu', alpha: 0.2 }`): the one
 * type every API that takes an activation uses (@keel/layers re-exports it). A typo in the id is a
 * compile error; a runtime string (a saved config, a CLI flag) is narrowed first with
 * `registry.isId('activation', id)` or `registry.idOf('activation', id)`.
 */
export type ActivationSpec = ActivationId | { readonly id: ActivationId; readonly [option: string]: ConfigValue };

function splitSpec(spec: ActivationSpec): { id: string; given: Readonly<Record<string, unknown>> } {
  if (typeof spec === 'string') return { id: spec, given: {} };
  if (typeof spec !== 'object' || spec === null || typeof spec.id !== 'string') {
    throw new TypeError(`an activation is an id like 'relu' or an object like { id: 'leakyRelu', alpha: 0.2 }, got ${JSON.stringify(spec)}`);
  }
  const { id, ...given } = spec;
  return { id, given };
}

/** What a forward returned, for the message: 'the number 3', 'a Tensor of shape [4, 1]'. */
function described(value: unknown): string {
  if (value instanceof Tensor) return `a Tensor of shape ${formatShape(value.shape)}`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object that is not a Tensor';
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  return `a ${typeof value}`;
}

/**
 * The entry's forward, held to its contract: a Tensor of the input's shape, and an error that
 * names the layer applying it (the tensor engine's scope), the activation and its plugin when it
 * throws — not a TypeError from whatever reads the result next, or a shape error blamed on the
 * next layer. A shape comparison per call; the try costs nothing unless the forward throws.
 */
function checkedForward(entry: ActivationEntry, plugin: string | undefined): ActivationEntry['forward'] {
  const { forward, id } = entry;
  const where = (): { layer: string | undefined; who: string } => {
    const layer = engine.scope === '' ? undefined : engine.scope;
    return { layer, who: `${layer === undefined ? '' : `${layer}: `}${activationLabel(id, plugin)}` };
  };
  return (x, config) => {
    let y: unknown;
    try {
      y = forward(x, config);
    } catch (error) {
      if (error instanceof ActivationError) throw error;
      const { layer, who } = where();
      const reason = error instanceof Error ? error.message : String(error);
      throw new ActivationError(`${who}: forward threw: ${reason}`, id, plugin, layer, { cause: error });
    }
    if (y instanceof Tensor && shapesEqual(y.shape, x.shape)) return y;
    const { layer, who } = where();
    throw new ActivationError(`${who}: forward returned ${described(y)}; it must return a Tensor of its input's shape ${formatShape(x.shape)}`, id, plugin, layer);
  };
}

/** The op a configured entry applies: its own backward on `{ x, y, dy }` when it has one. */
function applierOf(entry: ActivationEntry, config: ActivationConfig, plugin?: string): (x: Tensor) => Tensor {
  const { backward } = entry;
  const forward = checkedForward(entry, plugin);
  if (backward === undefined) return (x) => forward(x, config);
  const op = defineOp<Record<string, never>>({
    name: entry.id,
    forward: ([x]) => {
      const y = forward(x, config);
      // Never let the recorded node land on the input itself (an identity forward); defineOp
      // guards against it too in current @keel/tensor, this keeps older versions safe.
      return y === x ? x.detach() : y;
    },
    backward: ({ inputs, output, dy }) => [backward({ x: inputs[0], y: output, dy }, config)],
  });
  return (x) => op([x]);
}

/** Checks `given` against an entry's declared options and returns its configuration (defaults filled in). */
function configure(entry: ActivationEntry, given: Readonly<Record<string, unknown>>): ActivationConfig {
  const config = Object.freeze(configureActivation(entry, given));
  const problem = entry.validate?.(config);
  if (problem !== undefined) throw new ActivationConfigError(entry.id, undefined, `activation '${entry.id}': ${problem}`);
  return config;
}

/** Just the apply function of a configured entry (no metadata): what the plain functions use. */
export function applierFromEntry(entry: ActivationEntry, given: Readonly<Record<string, unknown>> = {}): (x: Tensor) => Tensor {
  return applierOf(entry, configure(entry, given));
}

/** What the entry's `meta(config)` returns; a throw names the activation. */
function metaOf(entry: ActivationEntry, meta: (config: ActivationConfig) => unknown, config: ActivationConfig, plugin: string | undefined, layer: string | undefined): unknown {
  try {
    return meta(config);
  } catch (error) {
    const who = `${layer === undefined ? '' : `${layer}: `}${activationLabel(entry.id, plugin)}`;
    throw new ActivationError(`${who}: meta() threw: ${error instanceof Error ? error.message : String(error)}`, entry.id, plugin, layer, { cause: error });
  }
}

/**
 * Configures an entry: checks `given` against its declared options, fills in the defaults and resolves its
 * metadata: `createActivation` without the registry lookup (for an entry you hold yourself). The
 * metadata is checked (`ActivationError` naming the field), and the forward held to returning a
 * Tensor of its input's shape; `plugin` (`@acme/act@1.0.0`) names the provider in those errors.
 */
export function activationFromEntry(entry: ActivationEntry, given: Readonly<Record<string, unknown>> = {}, plugin?: string): Activation {
  if (typeof entry.forward !== 'function' || (typeof entry.meta !== 'function' && (typeof entry.meta !== 'object' || entry.meta === null))) {
    throw new ActivationError(`${activationLabel(entry.id, plugin)} is not a usable entry: it needs forward(x, config) and meta (see ActivationEntry)`, entry.id, plugin);
  }
  const config = configure(entry, given);
  // created while a layer builds (its scope): the layer is named too
  const layer = engine.scope === '' ? undefined : engine.scope;
  const meta =
    typeof entry.meta === 'function'
      ? checkMeta(entry.id, plugin, 'meta()', metaOf(entry, entry.meta, config, plugin, layer), layer)
      : checkMeta(entry.id, plugin, 'meta', entry.meta, layer);
  const apply = applierOf(entry, config, plugin);
  return Object.freeze({ ...meta, id: entry.id, config, apply });
}

/**
 * Looks an activation up in `registry` and configures it. An unknown id throws the registry's
 * `UnknownIdError` (with the nearest registered id); an unknown or ill-typed option throws an
 * `ActivationConfigError` listing the valid options.
 *
 * ```ts
 * const act = createActivation(registry, { id: 'leakyRelu', alpha: 0.2 });
 * act.apply(x); act.gain; // √(2/(1 + 0.04))
 * ```
 */
export function createActivation(registry: Registry, spec: ActivationSpec): Activation {
  const { id, given } = splitSpec(spec);
  const entry = registry.resolve('activation', id);
  return activationFromEntry(entry, given, pluginLabel(registry.describe('activation', id).plugin));
}

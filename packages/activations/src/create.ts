import type { IdOf, Registry } from '@keel/registry';
import { defineOp, type Tensor } from '@keel/tensor';
import type { Activation, ActivationEntry, ActivationMeta } from './activation.js';
import { ActivationConfigError, configureActivation, type ActivationConfig, type ConfigValue } from './config.js';

/** An activation id the compiler knows (the built-ins, and any a plugin declared). */
export type ActivationId = IdOf<'activation'>;

/**
 * An activation by id (`'relu'`) or with its options (`{ id: 'leakyRelu', alpha: 0.2 }`).
 * Any string is accepted (a saved config, a CLI flag); it is checked against the registry.
 */
export type ActivationSpec =
  | ActivationId
  | (string & {})
  | { readonly id: ActivationId | (string & {}); readonly [option: string]: ConfigValue | undefined };

function splitSpec(spec: ActivationSpec): { id: string; given: Readonly<Record<string, unknown>> } {
  if (typeof spec === 'string') return { id: spec, given: {} };
  if (typeof spec !== 'object' || spec === null || typeof spec.id !== 'string') {
    throw new TypeError(`an activation is an id like 'relu' or an object like { id: 'leakyRelu', alpha: 0.2 }, got ${JSON.stringify(spec)}`);
  }
  const { id, ...given } = spec;
  return { id, given };
}

/** The op a configured entry applies: its own backward on `{ x, y, dy }` when it has one. */
function applierOf(entry: ActivationEntry, config: ActivationConfig): (x: Tensor) => Tensor {
  const { forward, backward } = entry;
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

/**
 * Configures an entry: checks `given` against its declared options, fills in the defaults and resolves its
 * metadata: `createActivation` without the registry lookup (for an entry you hold yourself).
 */
export function activationFromEntry(entry: ActivationEntry, given: Readonly<Record<string, unknown>> = {}): Activation {
  if (typeof entry.forward !== 'function' || (typeof entry.meta !== 'function' && (typeof entry.meta !== 'object' || entry.meta === null))) {
    throw new TypeError(`activation '${entry.id}' is not a usable entry: it needs forward(x, config) and meta (see ActivationEntry)`);
  }
  const config = configure(entry, given);
  const meta: ActivationMeta = typeof entry.meta === 'function' ? entry.meta(config) : entry.meta;
  const apply = applierOf(entry, config);
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
  return activationFromEntry(registry.resolve('activation', id), given);
}

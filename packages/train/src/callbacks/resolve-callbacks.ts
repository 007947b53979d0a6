import { checkOptions, type Registry } from '@keel/registry';
import { describeArgument } from '../describe.js';
import type { Callback, CallbackId } from './callback.js';

/** A callback as fit takes it: a Callback object, an id ('progress'), or `{ id, ...config }`. */
export type CallbackArg = Callback | CallbackId | { readonly id: CallbackId; readonly [option: string]: unknown };

const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;

const EXPECTED = `a callback object with any of ${HOOKS.join(', ')} (such as progress() or earlyStopping()), a callback id such as 'progress', or { id, ...config }`;

function isConfig(value: object): value is { readonly id: string } {
  return typeof (value as { id?: unknown }).id === 'string' && !HOOKS.some((hook) => hook in value);
}

/** A registered callback made from its config, checked first against the options it declares. */
function byId(registry: Registry, id: string, config: Readonly<Record<string, unknown>>): Callback {
  const entry = registry.resolve('callback', id);
  if (entry.options !== undefined) checkOptions(`callback '${id}'`, config, entry.options);
  return entry.create(config);
}

/**
 * fit's callbacks, each checked before training starts: a null or a callback without hooks would
 * otherwise fail (or silently do nothing) mid-run. Ids are made from the registry's entries.
 */
export function resolveCallbacks(registry: Registry, given: readonly CallbackArg[], owner = 'fit'): Callback[] {
  return given.map((item: unknown, i) => {
    const where = `${owner}: callbacks[${i}]`;
    if (typeof item === 'string') return byId(registry, item, {});
    if (typeof item === 'function') throw new TypeError(`${where} is a function; call it to make the callback (e.g. earlyStopping({ patience: 3 }), not earlyStopping)`);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new TypeError(`${where} is ${describeArgument(item)}; expected ${EXPECTED}`);
    if (isConfig(item)) {
      const { id, ...config } = item;
      return byId(registry, id, config);
    }
    const notFunctions = HOOKS.filter((hook) => (item as Record<string, unknown>)[hook] !== undefined && typeof (item as Record<string, unknown>)[hook] !== 'function');
    if (notFunctions.length > 0) throw new TypeError(`${where}: ${notFunctions.join(', ')} must be a function, got ${describeArgument((item as Record<string, unknown>)[notFunctions[0]])}`);
    if (!HOOKS.some((hook) => typeof (item as Record<string, unknown>)[hook] === 'function')) {
      throw new TypeError(`${where} is ${describeArgument(item)}, which has no hook, so it would do nothing; expected ${EXPECTED}`);
    }
    return item as Callback;
  });
}

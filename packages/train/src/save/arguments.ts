// Run-time checks of the arguments of the save and load functions: a caller in plain JavaScript
// (or with `any`) gets an error naming the function and the argument, not "Cannot read properties
// of null (reading 'built')" from inside, nor Node's 'The "paths[0]" argument must be of type string'.
import { checkOptions, optionField, type OptionFields } from '@keel/registry';
import { describeArgument } from '../describe.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The model to save: a Sequential (what the model file describes). */
export function checkModelToSave(where: string, model: unknown): void {
  if (isObject(model) && Array.isArray(model.layers) && typeof model.parameters === 'function' && typeof model.buffers === 'function') return;
  throw new TypeError(`${where} must be the Sequential to save, got ${describeArgument(model)}`);
}

const EXTRAS: OptionFields = {
  preprocessing: { expected: 'JSON describing the preprocessing', accepts: () => true },
  optimizer: { expected: "{ id, config, state }, the optimizer to save (id: its registry id, such as 'adam')", accepts: (v) => isObject(v) && typeof v.id === 'string' && v.id !== '' },
  training: { expected: 'an object such as { epoch, step, seed }', accepts: isObject },
};

/** What is saved with the model: only preprocessing, optimizer and training (a misspelt key would be dropped silently). */
export function checkExtras(where: string, extras: unknown): void {
  checkOptions(where, extras, EXTRAS);
}

/** The registry models are rebuilt from. */
export function checkRegistry(where: string, registry: unknown): void {
  if (isObject(registry) && typeof registry.resolve === 'function' && typeof registry.use === 'function') return;
  throw new TypeError(`${where} must be a Registry (from @keel/registry) with every plugin the model needs, or left out for the default one, got ${describeArgument(registry)}`);
}

const LOAD_OPTIONS: OptionFields = { optimizer: optionField.boolean(), ignoreProvenance: optionField.boolean() };

/** Options of the load functions: LoadOptions and the function's own fields. */
export function checkLoadOptions(where: string, options: unknown, own: OptionFields = {}): void {
  checkOptions(where, options, { ...LOAD_OPTIONS, ...own });
}

/** The bytes of a file: a Uint8Array (a Node Buffer is one) or an ArrayBuffer. */
export function checkBytes(where: string, bytes: unknown, what: string): void {
  if (bytes instanceof Uint8Array || bytes instanceof ArrayBuffer) return;
  throw new TypeError(`${where} must be the bytes of ${what}, a Uint8Array or an ArrayBuffer, got ${describeArgument(bytes)}`);
}

/** A path, a key or a name: a non-empty string. */
export function checkName(where: string, value: unknown, what: string): void {
  if (typeof value === 'string' && value !== '') return;
  throw new TypeError(`${where} must be ${what}, a non-empty string, got ${describeArgument(value)}`);
}

export const functionField = (expected: string): OptionFields[string] => ({ expected, accepts: (v) => typeof v === 'function' });

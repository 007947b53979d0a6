// The options each layer type accepts, declared once: its constructor checks them, so a layer made
// in code and one rebuilt from a saved config are checked the same way.
import { ActivationError } from '@keel/activations';
import { checkOptions, declareOption, describeValue, optionField, OptionsError, type OptionField, type OptionFields } from '@keel/registry';

/** The largest size of any one dimension a layer config may ask for (units, filters, kernel sizes). */
export const MAX_DIM = 2 ** 24;

function isShape(value: unknown, allowMinusOne = false): boolean {
  return Array.isArray(value) && value.every((d) => Number.isInteger(d) && (((d as number) >= 1 && (d as number) <= MAX_DIM) || (allowMinusOne && d === -1)));
}

function isSpec(value: unknown, optionTypes: readonly string[]): boolean {
  if (typeof value === 'string') return value !== '';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { id, ...options } = value as Record<string, unknown>;
  return typeof id === 'string' && id !== '' && Object.values(options).every((v) => v === undefined || optionTypes.includes(typeof v));
}

/** A size: units, filters. */
export const dimField = (required = false): OptionField => optionField.integer(1, MAX_DIM, required);

/** A window size or stride: n or [rows, cols]. */
export const pairField = (required = false): OptionField => ({
  expected: `a positive integer up to ${MAX_DIM} or a pair [rows, cols] of them`,
  required,
  accepts: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_DIM) || (isShape(v) && (v as unknown[]).length === 2),
});

export const paddingField: OptionField = optionField.choice(['valid', 'same']);

export const activationField = (required = false): OptionField => ({
  expected: "an activation id such as 'relu' or { id, ...options }",
  required,
  accepts: (v) => isSpec(v, ['string', 'number', 'boolean']),
});

export const initializerField: OptionField = {
  expected: "an initializer id such as 'heNormal' or { id, ...options }",
  accepts: (v) => isSpec(v, ['string', 'number']),
};

/** What every layer accepts (`LayerOptions`). */
export const LAYER_FIELDS: OptionFields = {
  name: declareOption(
    { expected: 'a non-empty string', accepts: (v) => typeof v === 'string' && v !== '' },
    "the layer's name in summaries and messages (default: its type and a number, such as dense_1)",
  ),
  inputShape: declareOption(
    { expected: `a list of positive integers up to ${MAX_DIM}`, accepts: (v) => isShape(v) },
    'the shape of one example, batch left out (only the first layer needs it)',
  ),
};

/** What Dense and Conv2D share besides their sizes. */
export const WEIGHTED_FIELDS: OptionFields = {
  activation: declareOption(activationField(), 'applied to the output', 'linear'),
  kernelInitializer: declareOption(initializerField, "the kernel's initializer (default: the one the activation recommends, such as heNormal for relu)"),
  biasInitializer: declareOption(initializerField, "the bias's initializer", 'zeros'),
  useBias: declareOption(optionField.boolean(), 'add a bias vector', true),
};

/** The declared default of an option (a layer reads it where the option is left out). */
export function declaredDefault<T>(field: OptionField): T {
  return field.default as T;
}

/**
 * Checks a layer's options against its declared fields (plus name and inputShape); throws an
 * `OptionsError` that names the layer and the option.
 */
export function checkLayerOptions(type: string, options: unknown, fields: OptionFields): void {
  const name = typeof options === 'object' && options !== null && typeof (options as { name?: unknown }).name === 'string' ? (options as { name: string }).name : type;
  checkOptions(name, options ?? {}, { ...LAYER_FIELDS, ...fields });
}

/**
 * Runs a check of what an option refers to (an activation, an initializer), naming the option when
 * it fails. An activation entry that breaks its own contract (bad `meta`: an `ActivationError`) is
 * its plugin's mistake, not a bad option: it passes through with the layer named.
 */
export function checkReference(owner: string, option: string, value: unknown, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (error instanceof ActivationError) throw error.layer === undefined ? new ActivationError(`${owner}: ${error.message}`, error.id, error.plugin, owner, { cause: error }) : error;
    const message = error instanceof Error ? error.message : String(error);
    throw new OptionsError(owner, option, `${option} ${describeValue(value)}: ${message}`, { cause: error });
  }
}

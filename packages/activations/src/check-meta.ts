import type { ActivationMeta } from './activation.js';
import { ActivationError, activationLabel } from './activation-error.js';

/** A value as these messages show it. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value);
  } catch {
    return `a ${typeof value}`;
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an activation's metadata, which initializers, the doctor and the testkit read on trust:
 * a plain-JavaScript plugin that leaves `saturation` out or gives `gain: 'big'` would otherwise
 * fail far away (a TypeError inside the doctor, an initializer blamed on the user). `field` is
 * 'meta()' or 'meta', as the entry declares it. Returns the metadata; throws an `ActivationError`
 * naming the layer being built (when there is one), the activation, its plugin and the field.
 */
export function checkMeta(id: string, plugin: string | undefined, field: string, meta: unknown, layer?: string): ActivationMeta {
  const who = `${layer === undefined ? '' : `${layer}: `}${activationLabel(id, plugin)}`;
  const fail = (message: string): never => {
    throw new ActivationError(`${who}: ${message}`, id, plugin, layer);
  };
  const shape = '{ gain, recommendedInitializer, outputRange, saturation, kinks } (ActivationMeta in @keel/activations)';
  if (!isPlainObject(meta)) return fail(`${field} ${field.endsWith(')') ? 'returned' : 'is'} ${show(meta)}; it must be ${shape}`);
  const { gain, recommendedInitializer, outputRange, saturation, kinks } = meta;
  if (!isNumber(gain) || !Number.isFinite(gain) || gain <= 0) {
    fail(`${field}.gain is ${show(gain)}; it must be a finite number > 0 (the factor initializers scale weights by: 1 for linear, √2 for relu)`);
  }
  if (typeof recommendedInitializer !== 'string' || recommendedInitializer.trim() === '') {
    fail(`${field}.recommendedInitializer is ${show(recommendedInitializer)}; it must be an initializer id such as 'heNormal' or 'glorotUniform' (layers initialise kernels with it by default)`);
  }
  if (!Array.isArray(outputRange) || outputRange.length !== 2 || !isNumber(outputRange[0]) || !isNumber(outputRange[1]) || outputRange[0] > outputRange[1]) {
    fail(`${field}.outputRange is ${show(outputRange)}; it must be [low, high], two numbers with low <= high (±Infinity allowed): [-Infinity, Infinity] when unbounded`);
  }
  if (saturation === undefined) {
    fail(
      `${field}.saturation is missing; give { below?, above? }, the inputs beyond which the gradient is under 1% of its peak ` +
        '(relu: { below: 0 }, tanh: { below: -3, above: 3 }), or {} when it never saturates',
    );
  }
  if (!isPlainObject(saturation)) return fail(`${field}.saturation is ${show(saturation)}; it must be an object { below?, above? } of numbers, or {}`);
  for (const side of ['below', 'above'] as const) {
    const v = saturation[side];
    if (v !== undefined && !isNumber(v)) fail(`${field}.saturation.${side} is ${show(v)}; it must be a number (an input) or left out`);
  }
  if (!Array.isArray(kinks) || !kinks.every((k) => isNumber(k) && Number.isFinite(k))) {
    fail(`${field}.kinks is ${show(kinks)}; it must be an array of the finite inputs where the derivative is undefined ([0] for relu, [] for a smooth function)`);
  }
  for (const flag of ['gainIsConvention', 'producesProbabilities', 'rowwise'] as const) {
    const v = meta[flag];
    if (v !== undefined && typeof v !== 'boolean') fail(`${field}.${flag} is ${show(v)}; it must be true, false or left out`);
  }
  return meta as unknown as ActivationMeta;
}

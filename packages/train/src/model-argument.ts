import type { Module } from '@keel/layers';
import { describeArgument } from './describe.js';

/**
 * The model passed to fit, evaluate or predict must have the methods that caller uses (`methods`):
 * a plain object or a data set in its place would otherwise fail with "model.eval is not a function".
 */
export function checkModel(owner: string, model: unknown, methods: readonly string[]): asserts model is Module {
  const missing = typeof model === 'object' && model !== null ? methods.filter((m) => typeof (model as Record<string, unknown>)[m] !== 'function') : methods;
  if (missing.length === 0) return;
  const has = typeof model === 'object' && model !== null ? `; it has no ${missing.map((m) => `${m}()`).join(', ')}` : '';
  throw new TypeError(
    `${owner}: model must be a Module such as a Sequential (an object with ${methods.map((m) => `${m}()`).join(', ')}), got ${describeArgument(model)}${has}`,
  );
}

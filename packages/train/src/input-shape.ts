import type { Module } from '@keel/layers';

function shown(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * The data's per-example shape must be the one the model was declared or built for: a model given
 * other data is an error naming both shapes, never a silent rebuild for the data's shape.
 */
export function checkInputShape(owner: string, model: Module, dataShape: readonly number[], what = 'the data'): void {
  const modelShape = (model as { inputShape?: unknown }).inputShape;
  if (!Array.isArray(modelShape)) return;
  const same = modelShape.length === dataShape.length && modelShape.every((d, i) => d === dataShape[i]);
  if (same) return;
  const built = (model as { built?: unknown }).built === true;
  throw new RangeError(
    `${owner}: the model takes examples of shape ${shown(modelShape as number[])} (${built ? 'it was built for that shape' : 'its declared inputShape'}), ` +
      `but the examples of ${what} have shape ${shown(dataShape)}: pass data of shape ${shown(modelShape as number[])}` +
      (built ? '' : `, or declare inputShape: ${shown(dataShape)}`) +
      ` (a model for another input shape is a new model)`,
  );
}

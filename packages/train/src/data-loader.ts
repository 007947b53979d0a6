import { ArrayDataset, DataLoader, Subset, type Dataset, type Example } from '@keel/data';
import type { Module } from '@keel/layers';

/** Whether the DataLoader reads the example shape off the data: an ArrayDataset, or views (take, skip, split...) of one. */
function knowsShape(data: Dataset<Example>): boolean {
  let current: Dataset<unknown> = data;
  while (current instanceof Subset) current = current.source;
  return current instanceof ArrayDataset;
}

/**
 * The loader fit and evaluate batch `data` with. Any data set works: an ArrayDataset (or a view of
 * one) knows its example shape; for another one (a map(...), a data set of one's own) it is the
 * model's declared or built input shape, and the loader checks each example against it.
 */
export function loaderFor(owner: string, what: string, model: Module, data: Dataset<Example>, options: { batchSize: number; shuffle?: boolean; seed?: number }): DataLoader {
  if (knowsShape(data)) return new DataLoader(data, options);
  const inputShape = (model as { inputShape?: unknown }).inputShape;
  if (!Array.isArray(inputShape)) {
    throw new TypeError(
      `${owner}: ${what} is not an ArrayDataset (nor a take/skip/filter/split of one), so the shape of its examples is unknown and the model declares none: ` +
        'declare the model\'s input shape (new Sequential([...], { inputShape: [784] })), or build an ArrayDataset from the examples ' +
        '(new ArrayDataset(features, featureShape, targets, targetShape))',
    );
  }
  return new DataLoader(data, { ...options, featureShape: inputShape as number[] });
}

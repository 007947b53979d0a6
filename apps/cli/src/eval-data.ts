// The test data `keel eval` measures a saved model on.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ArrayDataset } from '@keel/data';
import { imageSplitDataset, loadImages, xorDatasets, type Preprocessing } from './data.js';
import { usageError } from './errors.js';

export interface EvalData {
  readonly dataset: ArrayDataset;
  /** For people: 'the MNIST test set', '/data/fashion (test split)'. */
  readonly source: string;
}

/**
 * --data's test split; without it, the set the model was trained on when that was XOR or an IDX
 * directory that still exists, else MNIST's test set.
 */
export async function evalData(dataFlag: string | undefined, pre: Preprocessing, inputShape: readonly number[]): Promise<EvalData> {
  if (dataFlag === undefined && pre.task === 'xor') return { dataset: xorDatasets(pre.targets, 1).test, source: 'the four XOR points' };
  const dir = dataFlag !== undefined ? resolve(dataFlag) : pre.task === 'idx' && pre.dataDir !== undefined && existsSync(pre.dataDir) ? pre.dataDir : undefined;
  const set = await loadImages(dir, ['test'], dir === undefined ? undefined : pre.classes);
  const { rows, cols } = set.test;
  const pixels = inputShape.reduce((a, b) => a * b, 1);
  if (rows * cols !== pixels) {
    throw usageError(`the model takes ${pre.rows ?? '?'}x${pre.cols ?? '?'} images ([${inputShape.join(', ')}]), but the test images in ${dir ?? 'MNIST'} are ${rows}x${cols}`);
  }
  return {
    dataset: imageSplitDataset(set.test, pre.layout, pre.classes, pre.targets),
    source: dir === undefined ? 'the MNIST test set' : `${dir} (test split)`,
  };
}

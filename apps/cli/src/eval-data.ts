// The test data `keel eval` measures a saved model on.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ArrayDataset } from '@keel/data';
import { imageSplitDataset, loadImages, xorDatasets, type Preprocessing } from './data.js';
import { CliError, EXIT } from './errors.js';
import { inModelClasses } from './model-classes.js';

export interface EvalData {
  readonly dataset: ArrayDataset;
  /** For people: 'the MNIST test set', '/data/fashion (test split)'. */
  readonly source: string;
}

/**
 * The IDX directory to evaluate on: --data, else the one the model was trained on. A model trained
 * on an IDX set is never measured on MNIST instead: a moved directory is an error saying so.
 */
function dataDirFor(dataFlag: string | undefined, pre: Preprocessing, modelDir: string): string | undefined {
  if (dataFlag !== undefined) return resolve(dataFlag);
  if (pre.task !== 'idx') return undefined; // MNIST
  if (pre.dataDir === undefined) {
    throw new CliError(`${resolve(modelDir, 'model.json')} records no preprocessing.dataDir for its IDX set; pass --data <dir> with the set to evaluate on`, EXIT.failure);
  }
  if (!existsSync(pre.dataDir)) {
    throw new CliError(`the model was trained on ${pre.dataDir} (preprocessing.dataDir in ${resolve(modelDir, 'model.json')}), which no longer exists; pass --data <dir> with its new place`, EXIT.failure);
  }
  return pre.dataDir;
}

/** Loads `dir`'s test split (MNIST's when undefined) with the model's class count. */
async function testSplit(dir: string | undefined, classes: number) {
  try {
    return await loadImages(dir, ['test'], dir === undefined ? undefined : classes);
  } catch (error) {
    throw inModelClasses(error);
  }
}

/** --data's test split; without it, the set the model was trained on (XOR, MNIST or its IDX directory). */
export async function evalData(dataFlag: string | undefined, pre: Preprocessing, inputShape: readonly number[], modelDir: string): Promise<EvalData> {
  if (dataFlag === undefined && pre.task === 'xor') return { dataset: xorDatasets(pre.targets, 1).test, source: 'the four XOR points' };
  const dir = dataDirFor(dataFlag, pre, modelDir);
  const set = await testSplit(dir, pre.classes);
  const { rows, cols } = set.test;
  const pixels = inputShape.reduce((a, b) => a * b, 1);
  if (rows * cols !== pixels) {
    // The data does not fit the model: a data problem (exit 1), not a mistake on the command line.
    throw new CliError(`the model takes ${pre.rows ?? '?'}x${pre.cols ?? '?'} images ([${inputShape.join(', ')}]), but the test images in ${dir ?? 'MNIST'} are ${rows}x${cols}`, EXIT.failure);
  }
  return {
    dataset: imageSplitDataset(set.test, pre.layout, pre.classes, pre.targets),
    source: dir === undefined ? 'the MNIST test set' : `${dir} (test split)`,
  };
}

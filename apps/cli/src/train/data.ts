// The data a training run uses: train (maybe split for validation) and test sets, as the loss wants them.
import { resolve } from 'node:path';
import { SparseClassesError, split, type ArrayDataset, type Dataset, type Example } from '@keel/data';
import { idxClassification, mnist } from '@keel/data/node';
import type { Registry } from '@keel/registry';
import { imageSplitDataset, outputFor, xorDatasets, type Layout, type OutputKind, type TargetEncoding } from '../data.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { inModelClasses } from '../model-classes.js';
import { XOR_REPEAT, type TrainConfig } from './config.js';
import { checkModelSize } from './model-size.js';

export interface RunData {
  /** The whole training set, before any validation split (to work out another run's split). */
  readonly allTrain: Dataset<Example>;
  readonly train: Dataset<Example>;
  readonly validation: Dataset<Example> | undefined;
  readonly test: ArrayDataset;
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly layout: Layout;
  readonly scale: number;
  readonly rows?: number;
  readonly cols?: number;
  readonly encoding: TargetEncoding;
  readonly outputUnits: number;
  readonly outputActivation: string;
  readonly output: OutputKind;
  /** For people: "60,000 train / 10,000 test images of 28x28, 10 classes". */
  readonly description: string;
}

export interface LoadOptions {
  /** Scale pixels to [0, 1] (default true); false keeps the raw 0–255 values (for `keel doctor --raw-pixels`). */
  readonly normalize?: boolean;
  /** Told the examples' shape before the validation split is checked (a resumed model's check that the data fits it comes first). */
  readonly checkInputShape?: (inputShape: readonly number[]) => void;
}

export async function loadRunData(config: TrainConfig, registry: Registry, options: LoadOptions = {}): Promise<RunData> {
  const data = await loadData(config, registry, options);
  checkModelSize({ ...config, inputShape: data.inputShape, outputUnits: data.outputUnits }, config.batchSize);
  return data;
}

async function loadData(config: TrainConfig, registry: Registry, options: LoadOptions): Promise<RunData> {
  const normalize = options.normalize !== false;
  const loss = registry.resolve('loss', config.loss);
  let base: Omit<RunData, 'allTrain' | 'train' | 'validation' | 'description'> & { train: ArrayDataset };
  let what: string;
  if (config.task === 'xor') {
    if (config.classes !== undefined || config.allowSparseClasses === true) throw usageError('--classes and --allow-sparse-classes are for image sets; xor has two classes');
    const out = outputFor(loss, 2);
    const { train, test } = xorDatasets(out.encoding, XOR_REPEAT);
    base = { train, test, inputShape: [2], classes: 2, layout: 'flat', scale: 1, encoding: out.encoding, outputUnits: out.units, outputActivation: out.activation, output: out.output };
    what = `XOR: the 4 points, repeated ${XOR_REPEAT} times per epoch`;
  } else {
    const set = await loadImageSet(config);
    const out = outputFor(loss, set.classes);
    const layout: Layout = config.architecture === 'cnn' ? 'image' : 'flat';
    const { rows, cols } = set.train;
    if (set.test.rows !== rows || set.test.cols !== cols) throw new Error(`the train images are ${rows}x${cols} but the test images are ${set.test.rows}x${set.test.cols}`);
    base = {
      train: imageSplitDataset(set.train, layout, set.classes, out.encoding, normalize),
      test: imageSplitDataset(set.test, layout, set.classes, out.encoding, normalize),
      inputShape: layout === 'image' ? [rows, cols, 1] : [rows * cols],
      classes: set.classes,
      layout,
      scale: normalize ? 1 / 255 : 1,
      rows,
      cols,
      encoding: out.encoding,
      outputUnits: out.units,
      outputActivation: out.activation,
      output: out.output,
    };
    const name = config.task === 'mnist' ? 'MNIST' : config.dataDir!;
    what = `${name}: ${set.train.count.toLocaleString('en-US')} train / ${set.test.count.toLocaleString('en-US')} test images of ${rows}x${cols}, ${set.classes} classes`;
  }
  options.checkInputShape?.(base.inputShape);
  if (config.validationSplit === undefined) return { ...base, allTrain: base.train, validation: undefined, description: what };
  checkValidationSplit(config.validationSplit, base.train, base.encoding);
  const [train, validation] = validationSplitOf(base.train, { validationSplit: config.validationSplit, seed: config.seed }, base.encoding);
  return { ...base, allTrain: base.train, train, validation, description: `${what} (${validation.length.toLocaleString('en-US')} held out for validation)` };
}

function validationSplitOf(all: Dataset<Example>, settings: { validationSplit: number; seed: number }, encoding: TargetEncoding) {
  return split(all, settings.validationSplit, { seed: settings.seed, stratify: encoding === 'index' });
}

/**
 * A split that leaves no validation or no training examples is refused before training, naming the
 * flag, the counts and a value that works (fit would fail after the header otherwise). The counts
 * follow split's rule: each class (or, unstratified, the whole set) holds out round(n x fraction).
 */
function checkValidationSplit(fraction: number, all: ArrayDataset, encoding: TargetEncoding): void {
  const groups = encoding === 'index' ? classSizes(all) : [all.length];
  const heldOut = (f: number): number => groups.reduce((sum, n) => sum + Math.round(n * f), 0);
  const works = (f: number): boolean => heldOut(f) >= 1 && heldOut(f) < all.length;
  const held = heldOut(fraction);
  if (held >= 1 && held < all.length) return;
  const hundredths = Array.from({ length: 90 }, (_, i) => (i + 1) / 100).filter(works);
  const examples = `${all.length.toLocaleString('en-US')} training example${all.length === 1 ? '' : 's'}`;
  const what = held === 0 ? `holds out none of the ${examples} for validation` : `holds out all ${examples} for validation, leaving none to train on`;
  const sizes = groups.length <= 10 ? `${groups.slice(0, -1).join(', ')}${groups.length > 1 ? ' and ' : ''}${groups.at(-1)!}` : `${groups.slice(0, 10).join(', ')}, …`;
  const perClass = encoding === 'index' ? ` (it is taken class by class, from classes of ${sizes} examples)` : '';
  const fix =
    hundredths.length === 0 ? `${examples} cannot be split; leave --validation-split out` : `use ${held === 0 ? `at least ${hundredths[0]}` : `at most ${hundredths.at(-1)!}`}, or leave --validation-split out`;
  throw usageError(`--validation-split ${fraction} ${what}${perClass}; ${fix}`);
}

/** Examples per class label present, in label order (as split groups them when it stratifies). */
function classSizes(all: ArrayDataset): number[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < all.length; i++) {
    const { y } = all.get(i);
    counts.set(y as number, (counts.get(y as number) ?? 0) + 1);
  }
  return [...counts.keys()].sort((a, b) => a - b).map((label) => counts.get(label)!);
}

/** How many examples a run with these settings trained on per epoch (what is left after its validation split). */
export function trainSizeWith(data: RunData, settings: { validationSplit?: number; seed: number }): number {
  const { validationSplit } = settings;
  if (validationSplit === undefined) return data.allTrain.length;
  return validationSplitOf(data.allTrain, { validationSplit, seed: settings.seed }, data.encoding)[0].length;
}

/** MNIST, or the IDX directory with the class settings; a suspicious inferred class count is explained with the flags that settle it. */
async function loadImageSet(config: TrainConfig) {
  if (config.dataDir === undefined) {
    if (config.classes !== undefined && config.classes !== 10) throw usageError(`--classes ${config.classes}: MNIST has 10 classes`);
    return mnist();
  }
  try {
    return await idxClassification(resolve(config.dataDir), {
      ...(config.classes === undefined ? {} : { classes: config.classes }),
      ...(config.allowSparseClasses === true ? { allowSparseClasses: true } : {}),
    });
  } catch (error) {
    // A resumed run reads the data with the model's class count, which nobody declared on this run.
    if (config.resume !== undefined && config.classes !== undefined) throw inModelClasses(error);
    if (!(error instanceof SparseClassesError)) throw error;
    const classes = error.suggestedClasses ?? 'N';
    throw new CliError(
      `${error.finding}. Pass --classes ${classes} if there are ${classes} classes (labels outside them are then errors), or --allow-sparse-classes if these classes are real`,
      EXIT.failure,
      { cause: error },
    );
  }
}

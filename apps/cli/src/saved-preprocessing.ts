// A saved model's preprocessing, as `keel train` wrote it: every field eval, predict and --resume
// read is checked against its type, its range and the model itself, so an edited value (a scale of
// 1e300, a layout that does not fit the input) is an error naming the file and the field, never
// NaN or wrong classes at exit 0.
import type { Sequential } from '@keel/layers';
import { describeValue, type Registry } from '@keel/registry';
import type { Preprocessing } from './data.js';
import { CliError, EXIT } from './errors.js';
import { float32Fault } from './float32.js';

/** What to assume about a model saved by something other than `keel train`: MNIST-like pixels in, logits out. */
export function inferPreprocessing(model: Sequential): Preprocessing {
  const input = model.inputShape ?? [784];
  const outputs = model.outputShape().at(-1) ?? 10;
  const image = input.length === 3;
  const side = Math.round(Math.sqrt(input[0]));
  return {
    task: 'mnist',
    scale: 1 / 255,
    layout: image ? 'image' : 'flat',
    ...(image ? { rows: input[0], cols: input[1] } : side * side === input[0] ? { rows: side, cols: side } : {}),
    classes: outputs === 1 ? 2 : outputs,
    targets: outputs === 1 ? 'binary' : 'index',
    output: 'logits',
    loss: outputs === 1 ? 'binaryCrossEntropyWithLogits' : 'sparseSoftmaxCrossEntropy',
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether preprocessing looks like `keel train`'s (then all of it is checked), not another program's. */
export function isTrainPreprocessing(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && ['task', 'scale', 'layout', 'classes', 'targets', 'output', 'loss'].some((key) => key in value);
}

const CHOICES = {
  task: ['xor', 'mnist', 'idx'],
  layout: ['flat', 'image'],
  targets: ['index', 'binary', 'oneHot'],
  output: ['logits', 'probabilities', 'real'],
} as const;

const positiveInteger = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 1;

/**
 * `saved` checked field by field against the model (its input and output shapes) and the
 * registry (its loss); `where` names model.json in messages.
 */
export function checkPreprocessing(saved: Record<string, unknown>, model: Sequential, registry: Registry, where: string): Preprocessing {
  const bad = (field: string, expected: string): never => {
    const value = saved[field];
    throw new CliError(`${where}: preprocessing.${field} is ${value === undefined ? 'missing' : describeValue(value)}; expected ${expected}`, EXIT.failure);
  };
  for (const [field, choices] of Object.entries(CHOICES)) {
    if (!(choices as readonly unknown[]).includes(saved[field])) bad(field, choices.map((c) => `'${c}'`).join(', '));
  }
  const scale = saved.scale;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 1e6) bad('scale', 'a finite number > 0 such as 1/255 (what raw inputs are multiplied by)');
  // 1e-50 would make every input 0.
  const scaleFault = float32Fault(scale as number); // a number from here: bad() threw otherwise
  if (scaleFault !== undefined) throw new CliError(`${where}: preprocessing.scale ${String(scale)} ${scaleFault}, so every input would be 0; the file was edited or damaged`, EXIT.failure);
  if (saved.dataDir !== undefined && (typeof saved.dataDir !== 'string' || saved.dataDir === '')) bad('dataDir', 'a directory path');
  if (typeof saved.loss !== 'string' || !registry.has('loss', saved.loss)) bad('loss', `a registered loss id (${registry.list('loss').join(', ')})`);

  const pre = saved as unknown as Preprocessing;
  const input = model.inputShape ?? [];
  const inputText = `the model's input [${input.join(', ')}]`;
  if (pre.task !== 'xor' || saved.rows !== undefined || saved.cols !== undefined) {
    if (!positiveInteger(saved.rows)) bad('rows', 'a positive integer (image height)');
    if (!positiveInteger(saved.cols)) bad('cols', 'a positive integer (image width)');
    const fits = pre.layout === 'image' ? input.length === 3 && input[0] === pre.rows && input[1] === pre.cols : input.length === 1 && input[0] === pre.rows! * pre.cols!;
    if (!fits) {
      throw new CliError(`${where}: preprocessing.layout '${pre.layout}' with rows ${pre.rows!} and cols ${pre.cols!} does not fit ${inputText}`, EXIT.failure);
    }
  }
  const units = model.outputShape().at(-1);
  if (!Number.isSafeInteger(saved.classes) || (saved.classes as number) < 2) bad('classes', 'an integer >= 2');
  const classesFit = pre.targets === 'binary' ? pre.classes === 2 && units === 1 : units === pre.classes;
  if (!classesFit) {
    throw new CliError(
      `${where}: preprocessing.classes ${pre.classes} with targets '${pre.targets}' does not fit the model's ${String(units)} output unit${units === 1 ? '' : 's'}`,
      EXIT.failure,
    );
  }
  return pre;
}

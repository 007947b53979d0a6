import { resolve } from 'node:path';
import { Tensor } from '@keel/tensor';
import { predict } from '@keel/train';
import type { Flags } from '../args.js';
import type { Command, Context } from '../common.js';
import type { OutputKind } from '../data.js';
import { EXIT, usageError } from '../errors.js';
import { percent } from '../format.js';
import { readPredictInput } from '../predict-input.js';
import { checkModelDirFlag } from '../model-dir-flag.js';
import { recoverModel } from '../model-recovery.js';
import { IGNORE_PROVENANCE_FLAG, openModel, provenanceOptions } from '../saved-model.js';

/** Class probabilities of one output row: softmax of logits (or scores), a sigmoid for one unit, as-is for probabilities. */
export function probabilities(row: readonly number[], output: OutputKind): number[] {
  if (row.length === 1) {
    const p = output === 'probabilities' ? row[0] : 1 / (1 + Math.exp(-row[0]));
    return [1 - p, p];
  }
  if (output === 'probabilities') return [...row];
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

function bar(p: number, width = 30): string {
  return '#'.repeat(Math.round(p * width)).padEnd(width, '.');
}

async function run(flags: Flags, context: Context): Promise<number> {
  const { out } = context;
  const dir = flags.string('model');
  if (dir === undefined) throw usageError("keel predict needs --model <dir> (a directory saved by 'keel train --out')");
  const [file, ...extra] = flags.positionals;
  if (file === undefined) throw usageError('keel predict needs an image: keel predict --model <dir> <image.png|images.idx>');
  if (extra.length > 0) throw usageError(`keel predict takes one file, got ${flags.positionals.length}`);
  const limit = flags.integer('limit');
  checkModelDirFlag('model', dir);
  await recoverModel(dir, context); // says what an interrupted save left, and what was done about it
  const { model, preprocessing: pre } = await openModel(dir, context.registry, { forInference: true, ...provenanceOptions(flags, context) });
  const inputShape = model.inputShape ?? [];
  if (pre.task === 'xor') throw usageError(`${dir} is an XOR model; predict reads images`);
  const rows = pre.rows ?? inputShape[0];
  const cols = pre.cols ?? (pre.layout === 'image' ? inputShape[1] : 1);
  const input = await readPredictInput(resolve(context.io.cwd, file), rows, cols, pre.scale, limit);
  const x = Tensor.fromValues(input.values, [input.count, ...inputShape], 'float32');
  const outputs = predict(model, x).toArray() as number[][];
  out.line(`${input.description}, model ${dir}`);
  outputs.forEach((row, index) => {
    const probs = probabilities(row, pre.output);
    const predicted = argmax(probs);
    out.event('prediction', { index, class: predicted, probability: probs[predicted], probabilities: probs });
    if (input.count === 1) {
      out.line(`class ${predicted} (${percent(probs[predicted])})`);
      probs.forEach((p, c) => out.line(`  ${String(c).padStart(String(probs.length - 1).length)}  ${bar(p)}  ${(p * 100).toFixed(2).padStart(6)}%`));
    } else {
      out.line(`${String(index).padStart(String(input.count - 1).length)}  class ${predicted}  ${percent(probs[predicted]).padStart(7)}  [${probs.map((p) => p.toFixed(3)).join(' ')}]`);
    }
  });
  return EXIT.ok;
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'classify a PNG image, or each image of an IDX file, with a saved model',
  usage: 'keel predict --model <dir> <image.png | images-idx3-ubyte[.gz]> [--limit n]',
  flags: [
    { name: 'model', type: 'string', value: 'dir', description: "the model directory ('keel train --out')" },
    { name: 'limit', type: 'integer', value: 'n', description: 'an IDX file: predict only its first n images' },
    IGNORE_PROVENANCE_FLAG,
  ],
  details: [
    'A PNG (8- or 16-bit gray, RGB, gray+alpha or RGBA) is made gray, inverted if it is dark-on-light',
    "(MNIST digits are bright on black), and resized to the model's input size. It prints the class and",
    'the probability of every class (the softmax of the logits).',
    '',
    'Examples:',
    '  keel predict --model models/mnist digit.png',
    '  keel predict --model models/mnist t10k-images-idx3-ubyte --limit 20 --json',
  ].join('\n'),
  run,
};

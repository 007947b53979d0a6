import { join, resolve } from 'node:path';
import type { Registry } from '@keel/registry';
import { evaluate } from '@keel/train';
import type { Flags } from '../args.js';
import type { Command, Context } from '../common.js';
import { settingsProblem } from '../declared-options.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { evalData } from '../eval-data.js';
import { count, duration, fixed, keyValues, percent } from '../format.js';
import { parameterCount } from '../model.js';
import { checkModelDirFlag } from '../model-dir-flag.js';
import { recoverModel } from '../model-recovery.js';
import { IGNORE_PROVENANCE_FLAG, openModel, provenanceOptions, type OpenedModel } from '../saved-model.js';
import { lossArgument, optionsText, type RunSettings } from '../train/config.js';

/**
 * The loss a model was trained with: preprocessing.loss, with the settings its run saved
 * (`--loss huber:delta=2`), checked, so the test loss is the one training reported.
 */
function savedLoss(pre: OpenedModel['preprocessing'], registry: Registry, dir: string): Pick<RunSettings, 'loss' | 'lossOptions'> {
  const settings = pre.run?.loss === pre.loss ? pre.run.lossOptions : undefined;
  if (settings === undefined) return { loss: pre.loss };
  const problem = typeof settings === 'object' && settings !== null ? settingsProblem(registry, 'loss', pre.loss, settings) : 'expected an object of settings';
  if (problem !== undefined) throw new CliError(`${join(resolve(dir), 'model.json')}: preprocessing.run.lossOptions: ${problem}; the file was edited or damaged`, EXIT.failure);
  return { loss: pre.loss, lossOptions: settings };
}

async function run(flags: Flags, context: Context): Promise<number> {
  const { out } = context;
  const dir = flags.string('model');
  if (dir === undefined) throw usageError("keel eval needs --model <dir> (a directory saved by 'keel train --out')");
  if (flags.positionals.length > 0) throw usageError(`keel eval takes no arguments besides flags, got '${flags.positionals[0]}'`);
  checkModelDirFlag('model', dir);
  await recoverModel(dir, context); // says what an interrupted save left, and what was done about it
  const { model, preprocessing: pre } = await openModel(dir, context.registry, { forInference: true, ...provenanceOptions(flags, context) });
  const data = await evalData(flags.string('data'), pre, model.inputShape ?? [], dir);
  const started = performance.now();
  const loss = savedLoss(pre, context.registry, dir);
  const result = evaluate(model, data.dataset, { loss: lossArgument(loss, context.registry), registry: context.registry, batchSize: flags.integer('batch-size') ?? 256 });
  const seconds = (performance.now() - started) / 1000;
  out.line(`${dir}: ${count(data.dataset.length)} examples from ${data.source}`);
  out.line(
    keyValues([
      ['test accuracy', result.accuracy === undefined ? '--' : percent(result.accuracy)],
      ['test loss', `${fixed(result.loss)} (${loss.lossOptions === undefined ? pre.loss : optionsText(pre.loss, loss.lossOptions)})`],
      ['parameters', count(parameterCount(model))],
      ['time', `${duration(seconds)} (${count(data.dataset.length / Math.max(seconds, 1e-9))} samples/s)`],
    ]),
  );
  out.event('eval', {
    modelDir: dir,
    data: data.source,
    samples: data.dataset.length,
    testAccuracy: result.accuracy ?? null,
    testLoss: result.loss,
    seconds,
  });
  return EXIT.ok;
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'measure a saved model on a test set',
  usage: 'keel eval --model <dir> [--data <dir>]',
  flags: [
    { name: 'model', type: 'string', value: 'dir', description: "the model directory ('keel train --out')" },
    { name: 'data', type: 'string', value: 'dir', description: "an IDX set's directory; its test split (t10k-*) is used (default: the set the model was trained on)" },
    { name: 'batch-size', type: 'integer', value: 'n', description: 'examples per forward pass (default 256)' },
    IGNORE_PROVENANCE_FLAG,
  ],
  details: ['Examples:', '  keel eval --model models/mnist', '  keel eval --model models/fashion --data ~/data/fashion-mnist --json'].join('\n'),
  run,
};

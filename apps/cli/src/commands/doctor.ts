// `keel doctor`: lint a set-up, train it for a few hundred steps under the training doctor, and
// explain every finding in plain words with a fix. The set-up flags are train's, plus switches
// that reproduce the classic from-scratch bugs on purpose (raw pixels, a summed loss).
import { jsonSafe, probe, renderReport } from '@keel/diagnostics';
import type { LossArg } from '@keel/train';
import type { Flags } from '../args.js';
import type { Command, Context } from '../common.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { lossArgument, optimizerArgument } from '../train/config.js';
import { SETUP_FLAGS } from '../train/flags.js';
import { freshSetup } from '../train/setup.js';

const REDUCTIONS = ['mean', 'sum'] as const;

function reductionOf(flags: Flags): (typeof REDUCTIONS)[number] {
  const value = flags.string('reduction') ?? 'mean';
  if (!(REDUCTIONS as readonly string[]).includes(value)) throw usageError(`--reduction must be mean or sum, got '${value}'`);
  return value as (typeof REDUCTIONS)[number];
}

async function run(flags: Flags, context: Context): Promise<number> {
  const { out } = context;
  const reduction = reductionOf(flags);
  const steps = flags.integer('steps') ?? 200;
  const rawPixels = flags.boolean('raw-pixels');
  const { config, data, model } = await freshSetup(flags, context, { normalize: !rawPixels });
  if (rawPixels && config.task === 'xor') throw usageError('--raw-pixels is for image sets (mnist or --data); xor has no pixels');
  const loss: LossArg = reduction === 'sum' ? { ...config.lossOptions, id: context.registry.idOf('loss', config.loss), reduction: 'sum' } : lossArgument(config, context.registry);
  out.line(`${data.description}${rawPixels ? ' — raw 0–255 pixels' : ''}`);
  out.line(`Probing ${steps} steps of ${config.optimizer} (lr ${config.lr}) with ${config.loss}${reduction === 'sum' ? ' (summed over the batch)' : ''}, batch ${config.batchSize}, backend ${context.backend}...`);
  out.line();
  const report = await probe({
    model,
    data: data.train,
    loss,
    optimizer: optimizerArgument(config, context.registry),
    batchSize: config.batchSize,
    steps,
    seed: config.seed,
    registry: context.registry,
    lrFinder: flags.boolean('no-lr-finder') ? false : 'auto',
  });
  out.event('report', { ...jsonSafe(report) });
  out.line(renderReport(report));
  // A probe that crashed (anything but a NaN stop, which the findings explain) found nothing after
  // the crash: it is an error, never a clean bill of health.
  if (report.outcome.status === 'error') {
    const steps = report.outcome.steps;
    throw new CliError(`doctor: the probe training failed after ${steps} step${steps === 1 ? '' : 's'}, so the report above is incomplete: ${report.outcome.error ?? 'unknown error'}`);
  }
  // Like a linter: a finding of severity 'error' fails the command, so scripts can gate on it.
  return report.findings.some((f) => f.severity === 'error') ? EXIT.failure : EXIT.ok;
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check a training set-up: lints, a short probe run, plain-words findings with fixes',
  usage: 'keel doctor xor|mnist [train options]   or   keel doctor --data <dir> [train options]',
  flags: [
    ...SETUP_FLAGS,
    { name: 'steps', type: 'integer', value: 'n', description: 'steps of probe training (default 200)' },
    { name: 'raw-pixels', type: 'boolean', description: 'feed the raw 0–255 pixel values instead of scaling them to [0, 1] (to see what the doctor says)' },
    { name: 'reduction', type: 'string', value: 'mean|sum', description: 'reduce the loss over the batch by its mean (default) or its sum' },
    { name: 'no-lr-finder', type: 'boolean', description: 'skip the LR range test the doctor runs when the learning rate looks wrong' },
  ],
  details: [
    'Exit code 0 when the doctor finds no error, 1 when it does or when the probe training itself fails (warnings and notes do not fail it).',
    '',
    'Examples:',
    '  keel doctor mnist                                   # the default set-up: no problems',
    '  keel doctor mnist --loss meanSquaredError --init uniform --lr 1',
    '  keel doctor mnist --raw-pixels --activation sigmoid',
    '  keel doctor mnist --reduction sum --lr 0.5',
    '  keel doctor xor --activation relu --json            # the report as one JSON object',
  ].join('\n'),
  run,
};

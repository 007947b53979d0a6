// `keel lr-find`: the learning-rate range test on a set-up — loss against a learning rate that grows
// exponentially, and the rate it suggests (optionally plotted as an SVG).
import { dirname, resolve } from 'node:path';
import { lrFinder, sparkline } from '@keel/diagnostics';
import { quote } from 'shell-quote';
import { makeDirectory } from '@keel/train/node';
import type { Flags } from '../args.js';
import { COMMON_FLAGS, type Command, type Context } from '../common.js';
import { EXIT, usageError } from '../errors.js';
import { compact, fixed } from '../format.js';
import { lrFinderSvg } from '../plot-lr.js';
import { replaceFile } from '../replace-file.js';
import { withoutSetting } from '../id-spec.js';
import { lossArgument, optimizerArgument } from '../train/config.js';
import { SETUP_FLAGS } from '../train/flags.js';
import { checkPlotPath } from '../train/output-dir.js';
import { freshSetup } from '../train/setup.js';

const PLUGIN_FLAG = COMMON_FLAGS.find((spec) => spec.name === 'plugin')!;

/**
 * The `keel train` command for what was swept: the task and every set-up flag as given (plugins,
 * activation, layers ...), the optimizer, and the suggested rate, quoted for a POSIX shell.
 */
function trainCommandFor(flags: Flags, optimizer: string, lr: number): string {
  const args = ['keel', 'train', ...flags.positionals];
  for (const spec of [...SETUP_FLAGS, PLUGIN_FLAG]) {
    if (!flags.has(spec.name) || spec.name === 'lr') continue;
    if (spec.type === 'boolean') args.push(`--${spec.name}`);
    // the suggestion's --lr replaces an lr= setting of --optimizer (both would be refused)
    else for (const value of flags.strings(spec.name)) args.push(`--${spec.name}`, spec.name === 'optimizer' ? withoutSetting(value, 'lr') : value);
  }
  if (!flags.has('optimizer')) args.push('--optimizer', optimizer);
  return quote([...args, '--lr', compact(lr)]);
}

async function run(flags: Flags, context: Context): Promise<number> {
  const { out } = context;
  const start = flags.number('start', { positive: true }) ?? 1e-6;
  const end = flags.number('end', { positive: true }) ?? 10;
  if (end <= start) throw usageError(`--end (${end}) must be greater than --start (${start})`);
  const steps = flags.integer('steps', 10) ?? 100;
  await checkPlotPath(flags, context.io.cwd); // before the sweep: a plot that cannot be written, or would replace another file, fails now
  const { config, data, model } = await freshSetup(flags, context);
  out.line(data.description);
  out.line(`LR range test: ${steps} steps of ${config.optimizer}, learning rate ${compact(start)} -> ${compact(end)}, ${config.loss}, batch ${config.batchSize}, backend ${context.backend}`);
  const result = await lrFinder(model, data.train, {
    loss: lossArgument(config, context.registry),
    // The sweep sets the learning rate; the optimizer's other settings (momentum) are the run's.
    optimizer: optimizerArgument(config, context.registry),
    start,
    end,
    steps,
    batchSize: config.batchSize,
    seed: config.seed,
    registry: context.registry,
  });
  const plot = flags.string('plot');
  if (plot !== undefined) {
    const file = resolve(context.io.cwd, plot);
    await makeDirectory(dirname(file));
    await replaceFile(file, lrFinderSvg(result, `keel lr-find ${config.task}: ${config.optimizer}, ${config.loss}`));
  }
  out.event('lr-find', { ...result, ...(plot === undefined ? {} : { plot: resolve(context.io.cwd, plot) }) });
  // Capped at 1.5x the first loss, so the divergence at the end does not flatten the useful part.
  const first = result.smoothed.find((v) => v !== null) ?? 0;
  const capped = result.smoothed.map((v) => (v === null ? null : Math.min(v, 1.5 * first)));
  out.line();
  out.line(`smoothed loss ${sparkline(capped, 60)}  (lr ${compact(result.lrs[0])} -> ${compact(result.lrs[result.lrs.length - 1])}, log scale)`);
  if (result.minimum !== undefined) out.line(`lowest smoothed loss ${fixed(result.minimum.loss)} at lr ${compact(result.minimum.lr)}${result.stoppedEarly ? '; the loss diverged after it' : ''}`);
  if (result.suggested === undefined) {
    out.line(`no suggestion: ${result.note ?? 'the loss did not respond to the learning rate'}`);
    return EXIT.failure;
  }
  out.line(`suggested learning rate: ${compact(result.suggested)} (a tenth of the rate at the lowest loss)`);
  out.line(`  try: ${trainCommandFor(flags, config.optimizer, result.suggested)}`);
  if (plot !== undefined) out.line(`plot: ${resolve(context.io.cwd, plot)}`);
  return EXIT.ok;
}

export const lrFindCommand: Command = {
  name: 'lr-find',
  summary: 'the learning-rate range test: loss against learning rate, and a suggested rate',
  usage: 'keel lr-find xor|mnist [train options]   or   keel lr-find --data <dir> [train options]',
  flags: [
    ...SETUP_FLAGS,
    { name: 'start', type: 'number', value: 'rate', float32: true, description: 'first learning rate of the sweep (default 1e-6)' },
    { name: 'end', type: 'number', value: 'rate', float32: true, description: 'last learning rate of the sweep (default 10)' },
    { name: 'steps', type: 'integer', value: 'n', description: 'steps of the sweep, one batch each (default 100, at least 10)' },
    { name: 'plot', type: 'string', value: 'file.svg', description: 'write the curve (log learning rate against loss) as an SVG; an existing file must be a plot Keel wrote (or pass --overwrite)' },
    { name: 'overwrite', type: 'boolean', description: 'let --plot replace an existing file that is not a plot Keel wrote' },
  ],
  details: [
    'The model restarts from its initial weights for the real run: the sweep leaves no trace.',
    '',
    'Examples:',
    '  keel lr-find mnist --plot lr.svg',
    '  keel lr-find mnist --optimizer adam',
    '  keel lr-find xor --steps 200',
  ].join('\n'),
  run,
};

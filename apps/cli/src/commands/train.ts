import type { Command } from '../common.js';
import { SCHEDULE_HELP, SCHEDULES } from '../train/schedule.js';
import { SETUP_FLAGS } from '../train/flags.js';
import { runTraining } from '../train/run.js';
import { IGNORE_PROVENANCE_FLAG } from '../saved-model.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on XOR, MNIST, or any IDX image set',
  usage: 'keel train xor|mnist [options]   or   keel train --data <dir> [options]',
  flags: [
    ...SETUP_FLAGS,
    { name: 'schedule', type: 'string', value: 'name', description: `learning-rate schedule: ${SCHEDULES.join('|')} (default cosine; xor constant)` },
    { name: 'epochs', type: 'integer', value: 'n', description: 'epochs to train (default 3; xor 10); with --resume, the total' },
    { name: 'validation-split', type: 'number', value: 'fraction', description: 'hold out this fraction of the training set to validate on after each epoch' },
    { name: 'out', type: 'string', value: 'dir', description: 'save the model here after every epoch (with its optimizer state, to resume); checked and locked before training' },
    { name: 'overwrite', type: 'boolean', description: 'let --out replace a model already saved there, and --plot an existing file that is not a plot Keel wrote (without it, train refuses before training starts)' },
    { name: 'resume', type: 'string', value: 'dir', description: 'continue training a model saved with --out (saves back there unless --out is given)' },
    IGNORE_PROVENANCE_FLAG,
    { name: 'reset-optimizer', type: 'boolean', description: '--resume: start the optimizer state afresh (momentum from zero) when the saved state is missing or does not fit' },
    { name: 'switch-data', type: 'boolean', description: '--resume: go on training on another data set (--data) than the saved run used, or on its directory as it is now; recorded in model.json' },
    { name: 'plot', type: 'string', value: 'file.svg', description: 'write loss and accuracy curves (train and validation) as an SVG; never inside a model or the data directory' },
  ],
  details: [
    'Schedules:',
    ...SCHEDULES.map((s) => `  ${s.padEnd(13)}${SCHEDULE_HELP[s]}`),
    '',
    'Examples:',
    '  keel train xor',
    '  keel train mnist --out models/mnist --plot mnist.svg --validation-split 0.1',
    '  keel train mnist --layers 512,256 --optimizer adam --lr 0.001 --epochs 5',
    '  keel train mnist --model cnn --layers 16,32 --dense 128   # ~99.1% in 3 epochs, ~12 min',
    '  keel train --data ~/data/fashion-mnist --epochs 5',
    '  keel train --resume models/mnist --epochs 5',
    '',
    'Ctrl-C (or SIGTERM) stops after the current batch; the last complete epoch saved with --out stays intact (exit code 130; 143 after SIGTERM).',
    'Saves are all or nothing: a crash or a kill at any moment leaves --out with the previous or the new model.',
    'While a run saves to --out, it holds the directory: a second run with the same --out fails at once, naming the first.',
  ].join('\n'),
  run: runTraining,
};

import type { Command } from '../common.js';
import { SCHEDULE_HELP, SCHEDULES } from '../train/schedule.js';
import { runTraining } from '../train/run.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on XOR, MNIST, or any IDX image set',
  usage: 'keel train xor|mnist [options]   or   keel train --data <dir> [options]',
  flags: [
    { name: 'data', type: 'string', value: 'dir', description: 'train on an IDX image set laid out like MNIST (train-/t10k- images and labels, plain or .gz)' },
    { name: 'model', type: 'string', value: 'mlp|cnn', description: 'the architecture: a multi-layer perceptron (default) or a small convnet' },
    { name: 'layers', type: 'list', value: 'n,n', description: 'hidden units per dense layer (mlp, default 256,128; xor 8) or filters per conv block (cnn, default 8,16)' },
    { name: 'dense', type: 'list', value: 'n,n', description: 'cnn: hidden dense units between the conv blocks and the output (default none)' },
    { name: 'activation', type: 'string', value: 'id', description: 'hidden activation (default relu; xor tanh)' },
    { name: 'init', type: 'string', value: 'id', description: "kernel initializer (default: the activation's recommendation, He for relu)" },
    { name: 'loss', type: 'string', value: 'id', description: 'loss (default sparseSoftmaxCrossEntropy; xor binaryCrossEntropyWithLogits)' },
    { name: 'optimizer', type: 'string', value: 'id', description: 'optimizer (default sgd with momentum 0.9; xor adam)' },
    { name: 'lr', type: 'number', value: 'rate', description: "learning rate, the schedule's peak (default 0.1 for sgd on images, 0.05 for xor, else the optimizer's default)" },
    { name: 'momentum', type: 'number', value: 'm', description: 'momentum for sgd (default 0.9) and rmsprop' },
    { name: 'schedule', type: 'string', value: 'name', description: `learning-rate schedule: ${SCHEDULES.join('|')} (default cosine; xor constant)` },
    { name: 'epochs', type: 'integer', value: 'n', description: 'epochs to train (default 3; xor 10); with --resume, the total' },
    { name: 'batch-size', type: 'integer', value: 'n', description: 'examples per step (default 64; xor 4)' },
    { name: 'seed', type: 'integer', value: 'n', description: 'seeds the initial weights and the shuffling (default 0)' },
    { name: 'validation-split', type: 'number', value: 'fraction', description: 'hold out this fraction of the training set to validate on after each epoch' },
    { name: 'out', type: 'string', value: 'dir', description: 'save the model here after every epoch (with its optimizer state, to resume)' },
    { name: 'resume', type: 'string', value: 'dir', description: 'continue training a model saved with --out (saves back there unless --out is given)' },
    { name: 'plot', type: 'string', value: 'file.svg', description: 'write loss and accuracy curves (train and validation) as an SVG' },
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
    'Ctrl-C stops after the current batch; the last complete epoch saved with --out stays intact (exit code 130).',
  ].join('\n'),
  run: runTraining,
};

// The flags that describe a set-up (task, model, loss, optimizer): shared by train, doctor and lr-find.
import type { FlagSpec } from '../args.js';

/** The widest layer (units or filters) and the largest batch a flag may ask for; the whole model is checked in model-size.ts. */
export const MAX_LAYER_WIDTH = 65_536;
export const MAX_BATCH_SIZE = 65_536;
/** Seeds are taken as unsigned 32-bit integers; a larger one would silently wrap onto a smaller one. */
export const MAX_SEED = 2 ** 32 - 1;

export const SETUP_FLAGS: readonly FlagSpec[] = [
  { name: 'data', type: 'string', value: 'dir', description: 'train on an IDX image set laid out like MNIST (train-/t10k- images and labels, plain or .gz)' },
  { name: 'classes', type: 'integer', value: 'n', max: 256, description: '--data: the number of classes (labels 0..n-1); inferred from the labels when left out' },
  { name: 'allow-sparse-classes', type: 'boolean', description: '--data: infer the class count even if some classes never occur or are very rare (a stray label 12 makes 13 classes)' },
  { name: 'model', type: 'string', value: 'mlp|cnn', description: 'the architecture: a multi-layer perceptron (default) or a small convnet' },
  { name: 'layers', type: 'list', value: 'n,n', max: MAX_LAYER_WIDTH, description: 'hidden units per dense layer (mlp, default 256,128; xor 8) or filters per conv block (cnn, default 8,16)' },
  { name: 'dense', type: 'list', value: 'n,n', max: MAX_LAYER_WIDTH, description: 'cnn: hidden dense units between the conv blocks and the output (default none)' },
  { name: 'activation', type: 'string', value: 'id', description: "hidden activation, with any settings as id:key=value,... (default relu; xor tanh), e.g. leakyRelu:alpha=0.2" },
  { name: 'init', type: 'string', value: 'id', description: "kernel initializer, with any settings as id:key=value,... (default: the activation's recommendation, He for relu), e.g. uniform:minval=-0.1,maxval=0.1" },
  { name: 'loss', type: 'string', value: 'id', description: 'loss, with any settings as id:key=value,... (default sparseSoftmaxCrossEntropy; xor binaryCrossEntropyWithLogits), e.g. huber:delta=2' },
  { name: 'optimizer', type: 'string', value: 'id', description: 'optimizer, with any settings as id:key=value,... (default sgd with momentum 0.9; xor adam), e.g. adam:b1=0.8,eps=1e-7; lr= and momentum= stand for --lr and --momentum' },
  { name: 'lr', type: 'number', value: 'rate', float32: true, description: "learning rate, the schedule's peak (default 0.1 for sgd on images, 0.05 for xor, else the optimizer's default)" },
  { name: 'momentum', type: 'number', value: 'm', description: 'momentum for sgd (default 0.9) and rmsprop' },
  { name: 'batch-size', type: 'integer', value: 'n', max: MAX_BATCH_SIZE, description: 'examples per step (default 64; xor 4)' },
  { name: 'seed', type: 'integer', value: 'n', max: MAX_SEED, description: 'seeds the initial weights and the shuffling (default 0)' },
];

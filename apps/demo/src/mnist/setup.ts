// What a training run really uses: the form's set-up with the injected bugs applied. The worker
// trains with it; the page shows its description, so a bug is never hidden.
// Importing the initializers' types also brings in their registered ids (module augmentation).
import type { InitializerId } from '@keel/initializers';
import type { InitializerSpec } from '@keel/layers';
import { HIGH_LR } from './bugs.js';
import type { TrainConfig } from './protocol.js';

export interface EffectiveSetup {
  readonly loss: { readonly id: 'sparseSoftmaxCrossEntropy' | 'meanSquaredError'; readonly reduction?: 'sum' };
  readonly optimizer: { readonly id: 'sgd' | 'adam'; readonly lr: number; readonly momentum?: number };
  readonly kernelInitializer: InitializerSpec | undefined;
  /** Pixels scaled to 0..1 (false: raw 0..255). */
  readonly normalize: boolean;
  /** One-hot target rows instead of class indices. */
  readonly oneHot: boolean;
  /** The set-up in words, one line per choice. */
  readonly lines: readonly string[];
}

export function effectiveSetup(config: TrainConfig): EffectiveSetup {
  const has = (id: TrainConfig['bugs'][number]): boolean => config.bugs.includes(id);
  const oneHot = has('mse-one-hot');
  const lr = has('high-lr') ? HIGH_LR : config.lr;
  const kernelInitializer: InitializerSpec | undefined = has('uniform-init')
    ? { id: 'uniform' satisfies InitializerId, minval: 0, maxval: 1 }
    : has('small-init')
      ? { id: 'normal', stddev: 0.01 }
      : undefined;
  const loss = { id: oneHot ? ('meanSquaredError' as const) : ('sparseSoftmaxCrossEntropy' as const), ...(has('sum-loss') ? { reduction: 'sum' as const } : {}) };
  const optimizer = config.optimizer === 'sgd' ? { id: 'sgd' as const, lr, momentum: 0.9 } : { id: 'adam' as const, lr };
  const lines = [
    `model: 784 → ${config.hidden.map((u) => `${u} relu`).join(' → ')} → 10 (logits)`,
    `weights: ${kernelInitializer === undefined ? 'He normal (the default for ReLU)' : has('uniform-init') ? 'uniform(0, 1)  ← bug' : 'N(0, 0.01²)  ← bug'}`,
    `inputs: ${has('raw-pixels') ? 'raw pixels 0–255  ← bug' : 'pixels / 255'}`,
    `loss: ${loss.id}${oneHot ? ' on one-hot targets  ← bug' : ' on class indices'}${has('sum-loss') ? ", reduction 'sum'  ← bug" : ' (mean over the batch)'}`,
    `optimizer: ${config.optimizer === 'sgd' ? 'SGD, momentum 0.9' : 'Adam'}, lr ${lr}${has('high-lr') ? '  ← bug' : ''}; batch ${config.batchSize}; ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}`,
  ];
  return { loss, optimizer, kernelInitializer, normalize: !has('raw-pixels'), oneHot, lines };
}

// The "inject a bug" catalogue: the seed questions' mistakes, each with the doctor's findings
// that should fire for it and the fix. Shared by the page (toggles, the rail) and the worker
// (which applies them to the training set-up).
import type { FindingCode } from '@keel/diagnostics';

export const BUG_IDS = ['mse-one-hot', 'uniform-init', 'small-init', 'raw-pixels', 'sum-loss', 'high-lr'] as const;
export type BugId = (typeof BUG_IDS)[number];

export interface Bug {
  readonly id: BugId;
  readonly label: string;
  /** What the bug changes, in a sentence. */
  readonly what: string;
  /** Findings that report it (any one of them counts as "caught"). */
  readonly codes: readonly FindingCode[];
  /** The fix, in a sentence. */
  readonly fix: string;
  /** Bugs that cannot be on together with this one (two different weight initialisations). */
  readonly excludes?: BugId;
}

/** The learning rate the "too high" bug trains with. */
export const HIGH_LR = 2;

export const BUGS: readonly Bug[] = [
  {
    id: 'mse-one-hot',
    label: 'MSE on one-hot targets',
    what: 'meanSquaredError against one-hot rows instead of softmax cross-entropy on the logits.',
    codes: ['mse-on-classification'],
    fix: 'Use sparseSoftmaxCrossEntropy on the logits, with class-index targets.',
  },
  {
    id: 'uniform-init',
    label: 'uniform(0, 1) weights with ReLU',
    what: 'Every kernel drawn from uniform(0, 1), as np.random.rand does.',
    codes: ['init-too-large', 'init-not-centered'],
    fix: 'Leave kernelInitializer out: Keel picks He for ReLU layers.',
    excludes: 'small-init',
  },
  {
    id: 'small-init',
    label: '×0.01 weights with ReLU',
    what: 'Kernels drawn from N(0, 0.01²), the logistic-network habit.',
    codes: ['init-too-small-for-relu', 'init-too-small', 'activations-vanishing'],
    fix: 'Leave kernelInitializer out: He (std √(2/fan-in)) for ReLU layers.',
    excludes: 'uniform-init',
  },
  {
    id: 'raw-pixels',
    label: 'raw 0–255 pixels',
    what: 'Pixels fed as 0–255 integers instead of scaled to 0–1.',
    codes: ['inputs-not-normalized'],
    fix: 'Divide the pixels by 255 (imageDataset does it unless normalize: false).',
  },
  {
    id: 'sum-loss',
    label: 'loss summed, not averaged',
    what: "The loss summed over the batch (reduction: 'sum'): every step batch-size times too large.",
    codes: ['loss-summed-not-averaged'],
    fix: "Drop reduction: 'sum' — Keel's losses take the mean over the batch.",
  },
  {
    id: 'high-lr',
    label: `learning rate too high (${HIGH_LR})`,
    what: `Trains with learning rate ${HIGH_LR} whatever the form says.`,
    codes: ['lr-too-high', 'dead-relu', 'loss-diverging', 'exploding-gradients', 'nan-produced'],
    fix: 'Use the LR finder’s suggestion (about 0.1 for SGD with momentum here).',
  },
];

export function bug(id: BugId): Bug {
  return BUGS.find((b) => b.id === id)!;
}

import { defaultRegistry, definePlugin, type IdKeys, type IdsOf, type Registry } from '@keel/registry';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { binaryCrossEntropyWithLogits } from './binary-cross-entropy-with-logits.js';
import { lossOptions, numberOption } from './config.js';
import { lossOptionFields } from './options.js';
import { hinge } from './hinge.js';
import { huber } from './huber.js';
import { klDivergence } from './kl-divergence.js';
import { meanAbsoluteError } from './mean-absolute-error.js';
import { meanSquaredError } from './mean-squared-error.js';
import { withDefaults } from './reduction.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import type { LossSpec } from './spec.js';
import { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';
import { PACKAGE_NAME, VERSION } from './version.js';

/** Uniform predictions over K classes give −log(1/K). */
const lnClasses = (classes: number): number => Math.log(classes);
/** A two-class output at 0.5 (logit 0) gives −log ½, whatever the labels. */
const ln2 = (): number => Math.LN2;

/**
 * Keel's losses, each with the metadata `checkLossInputs` and the diagnostics read. The ids stay
 * literal types: `BuiltinLossId` and the `RegisteredIds` keys are derived from this list.
 */
export const lossSpecs = [
  {
    id: 'meanSquaredError',
    options: lossOptionFields.meanSquaredError,
    description: 'mean of (p − t)²: regression',
    expects: 'real',
    targets: 'real',
    create: (config = {}) => withDefaults(meanSquaredError, lossOptions('meanSquaredError', config)),
  },
  {
    id: 'meanAbsoluteError',
    options: lossOptionFields.meanAbsoluteError,
    description: 'mean of |p − t|: regression, robust to outliers',
    expects: 'real',
    targets: 'real',
    create: (config = {}) => withDefaults(meanAbsoluteError, lossOptions('meanAbsoluteError', config)),
  },
  {
    id: 'huber',
    options: lossOptionFields.huber,
    description: 'quadratic within delta of the target, linear beyond (delta, default 1)',
    expects: 'real',
    targets: 'real',
    create: (config = {}) => withDefaults(huber(numberOption('huber', config, 'delta', lossOptionFields.huber.delta.default as number)), lossOptions('huber', config)),
  },
  {
    id: 'binaryCrossEntropy',
    options: lossOptionFields.binaryCrossEntropy,
    description: 'two-class cross-entropy on probabilities (a sigmoid output), clamped to [eps, 1 − eps]',
    expects: 'probabilities',
    targets: 'binary',
    create: (config = {}) =>
      withDefaults(binaryCrossEntropy, { ...lossOptions('binaryCrossEntropy', config), eps: numberOption('binaryCrossEntropy', config, 'eps', lossOptionFields.binaryCrossEntropy.eps.default as number) }),
    expectedInitialLoss: ln2,
  },
  {
    id: 'binaryCrossEntropyWithLogits',
    options: lossOptionFields.binaryCrossEntropyWithLogits,
    description: 'two-class (or multi-label) cross-entropy from logits, stable for any logit',
    expects: 'logits',
    targets: 'binary',
    create: (config = {}) => withDefaults(binaryCrossEntropyWithLogits, lossOptions('binaryCrossEntropyWithLogits', config)),
    expectedInitialLoss: ln2,
  },
  {
    id: 'softmaxCrossEntropy',
    options: lossOptionFields.softmaxCrossEntropy,
    description: 'multi-class cross-entropy from logits against one-hot or soft targets',
    expects: 'logits',
    targets: 'oneHot',
    create: (config = {}) => withDefaults(softmaxCrossEntropy, lossOptions('softmaxCrossEntropy', config)),
    expectedInitialLoss: lnClasses,
  },
  {
    id: 'sparseSoftmaxCrossEntropy',
    options: lossOptionFields.sparseSoftmaxCrossEntropy,
    description: 'multi-class cross-entropy from logits against integer class labels',
    expects: 'logits',
    targets: 'index',
    create: (config = {}) => withDefaults(sparseSoftmaxCrossEntropy, lossOptions('sparseSoftmaxCrossEntropy', config)),
    expectedInitialLoss: lnClasses,
  },
  {
    id: 'hinge',
    options: lossOptionFields.hinge,
    description: 'max(0, 1 − t·p) for -1/+1 (or 0/1) labels: margin classification',
    expects: 'real',
    targets: 'binary',
    create: (config = {}) => withDefaults(hinge, lossOptions('hinge', config)),
    // Scores start near 0, where every example is inside the margin: max(0, 1 − t·0) = 1.
    expectedInitialLoss: () => 1,
  },
  {
    id: 'klDivergence',
    options: lossOptionFields.klDivergence,
    description: 'KL(targets ‖ predictions) between distributions (a softmax output)',
    expects: 'probabilities',
    targets: 'oneHot',
    create: (config = {}) =>
      withDefaults(klDivergence, { ...lossOptions('klDivergence', config), eps: numberOption('klDivergence', config, 'eps', lossOptionFields.klDivergence.eps.default as number) }),
  },
] as const satisfies readonly (LossSpec & { readonly id: string })[];

/** The ids of Keel's losses: `'meanSquaredError' | 'huber' | ...`. */
export type BuiltinLossId = IdsOf<typeof lossSpecs>;

declare module '@keel/registry' {
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'loss', BuiltinLossId> {}
}

/**
 * Keel's losses as a plugin, for `registry.use(lossesPlugin)`. Importing this package registers
 * nothing: apps install the plugin into the registry they use.
 */
export const lossesPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  description: 'loss functions with metadata for input checks',
  provides: { loss: lossSpecs },
});

/** Installs Keel's losses into a registry (idempotent). */
export function installLosses(registry: Registry = defaultRegistry): void {
  registry.use(lossesPlugin);
}

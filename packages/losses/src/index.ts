// The main entry: free of side effects. Nothing is registered until `registry.use(lossesPlugin)`.
export { meanSquaredError } from './mean-squared-error.js';
export { meanAbsoluteError } from './mean-absolute-error.js';
export { huber } from './huber.js';
export { binaryCrossEntropy, type BinaryCrossEntropyOptions } from './binary-cross-entropy.js';
export { binaryCrossEntropyWithLogits } from './binary-cross-entropy-with-logits.js';
export { softmaxCrossEntropy } from './softmax-cross-entropy.js';
export { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';
export { hinge } from './hinge.js';
export { klDivergence, type KlDivergenceOptions } from './kl-divergence.js';
export { reduce, meanPerExample, withDefaults, type LossFn, type LossOptions, type Reduction } from './reduction.js';
export { checkLossInputs, type CheckLossInputsOptions } from './check-loss-inputs.js';
export { LossInputError, type LossInputIssue, type LossIssueCode } from './issues.js';
export type { LossConfig, LossExpects, LossId, LossSpec, LossTargets } from './spec.js';
export { installLosses, lossesPlugin, lossSpecs, type BuiltinLossId } from './plugin.js';
export { createLoss } from './create-loss.js';
export { PACKAGE_NAME, VERSION } from './version.js';

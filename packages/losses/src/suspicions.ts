// Warnings that need a loss's metadata: inputs that are valid numbers but almost certainly not
// what the loss was written for. The losses do not run these; `checkLossInputs` does.
import type { Tensor } from '@keel/tensor';
import { lossError, lossWarning, type LossInputIssue } from './issues.js';
import type { LossTargets } from './spec.js';
import { everyRow, findValue, formatNumber, isDistribution, isOneHot, valueRange } from './values.js';

/** Predictions that look like a softmax's or sigmoid's output, given to a loss that applies one itself. */
export function probabilitiesForLogits(loss: string, predictions: Tensor, targets: LossTargets): LossInputIssue | undefined {
  if (targets === 'oneHot' || targets === 'index') {
    if (predictions.rank < 2 || predictions.shape[predictions.rank - 1] < 2 || !everyRow(predictions, isDistribution)) return undefined;
    return lossWarning(
      'probabilities-for-logits',
      `${loss} expects raw logits, but every row of the predictions sums to 1 — did you apply softmax twice? Remove the softmax output activation.`,
    );
  }
  if (targets !== 'binary') return undefined;
  // All-zero logits are what a zero-initialised output layer gives; they are not probabilities.
  const inUnitRange = findValue(predictions, (v) => !(v >= 0 && v <= 1)) === undefined;
  if (!inUnitRange || findValue(predictions, (v) => v !== 0) === undefined) return undefined;
  return lossWarning(
    'probabilities-for-logits',
    `${loss} expects raw logits, but every prediction lies in [0, 1] — did you apply a sigmoid already? ` +
      'Remove the sigmoid output activation (or use binaryCrossEntropy, which takes probabilities).',
  );
}

/** Predictions outside [0, 1] (raw scores) given to a loss on probabilities; rows that are not distributions. */
export function logitsForProbabilities(loss: string, predictions: Tensor, targets: LossTargets): LossInputIssue | undefined {
  const { min, max } = valueRange(predictions);
  const distributions = targets === 'oneHot' || targets === 'index';
  if (min < 0 || max > 1) {
    const fix = distributions ? 'add a softmax output activation' : 'use binaryCrossEntropyWithLogits (more stable), or add a sigmoid output activation';
    return lossError(
      loss,
      'logits-for-probabilities',
      `expects probabilities in [0, 1], but the predictions range from ${formatNumber(min)} to ${formatNumber(max)} — they look like raw logits; ${fix}`,
    );
  }
  if (distributions && !everyRow(predictions, isDistribution)) {
    return lossWarning(
      'predictions-not-distribution',
      `${loss} expects each row of the predictions to be a probability distribution, but some rows do not sum to 1 — use a softmax output activation.`,
    );
  }
  return undefined;
}

/** Soft targets whose rows do not sum to 1 (the loss still runs, but is no longer a cross-entropy). */
export function targetsNotDistributions(loss: string, targets: Tensor): LossInputIssue | undefined {
  if (everyRow(targets, isDistribution)) return undefined;
  return lossWarning(
    'targets-not-distribution',
    `${loss} expects each row of the targets to be one-hot or a probability distribution, but some rows do not sum to 1.`,
  );
}

/** One-hot class targets given to a regression loss: the "MSE on ten classes" mistake. */
export function classesWithRegressionLoss(loss: string, targets: Tensor): LossInputIssue | undefined {
  const classes = targets.shape[targets.rank - 1];
  if (targets.rank < 2 || classes < 2 || !everyRow(targets, isOneHot)) return undefined;
  return lossWarning(
    'classes-with-regression-loss',
    `${loss} on one-hot targets: the targets look like ${classes} classes. A squared or absolute error on class scores ` +
      'learns slowly once the outputs saturate; use softmaxCrossEntropy on logits.',
  );
}

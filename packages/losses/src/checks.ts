// The input checks the losses themselves run (and throw on). `checkLossInputs` reuses them and
// adds the warnings that need a loss's metadata.
import { formatShape, shapesEqual, type Tensor } from '@keel/tensor';
import { lossError, type LossInputIssue } from './issues.js';
import { allClassIndices, everyRow, findValue, formatNumber, isOneHot } from './values.js';

/** Predictions must be a batch: rank 1 or more, with at least one example. */
export function checkBatch(loss: string, predictions: Tensor, minRank = 1): LossInputIssue | undefined {
  const wanted = minRank >= 2 ? '[batch, classes]' : '[batch, ...]';
  if (predictions.rank < minRank) {
    return lossError(loss, 'not-a-batch', `expects predictions of shape ${wanted}, got ${formatShape(predictions.shape)}`);
  }
  if (predictions.size === 0) {
    return lossError(loss, 'not-a-batch', `got an empty batch (predictions ${formatShape(predictions.shape)}); the mean of no losses is undefined`);
  }
  return undefined;
}

/** Targets shaped like the predictions minus their last axis, holding whole numbers below its size. */
function looksLikeIndicesFor(predictions: Tensor, targets: Tensor): boolean {
  const classes = predictions.shape[predictions.rank - 1];
  return predictions.rank >= 2 && shapesEqual(targets.shape, predictions.shape.slice(0, -1)) && allClassIndices(targets, classes);
}

/**
 * Predictions and targets of one shape. Never broadcast them: [32, 1] against [32] would
 * silently become [32, 32], comparing every prediction with every target.
 */
export function checkSameShape(loss: string, predictions: Tensor, targets: Tensor, targetsAreDistributions = false): LossInputIssue | undefined {
  if (shapesEqual(predictions.shape, targets.shape)) return undefined;
  const p = formatShape(predictions.shape);
  const t = formatShape(targets.shape);
  if (looksLikeIndicesFor(predictions, targets)) {
    const classes = predictions.shape[predictions.rank - 1];
    if (targetsAreDistributions) {
      return lossError(
        loss,
        'indices-for-one-hot',
        `expects one-hot (or soft) targets of the predictions' shape ${p}, but the targets ${t} look like class indices — ` +
          `use sparseSoftmaxCrossEntropy, or oneHot(targets, ${classes})`,
      );
    }
    return lossError(
      loss,
      'shape-mismatch',
      `predictions have shape ${p} but targets have shape ${t}, and the targets look like class indices of ${classes} classes — ` +
        'for classification use sparseSoftmaxCrossEntropy on logits',
    );
  }
  const hint = predictions.size === targets.size ? ` Reshape the targets to ${p}.` : '';
  return lossError(
    loss,
    'shape-mismatch',
    `predictions have shape ${p} but targets have shape ${t}; they must be equal ` +
      `(broadcasting them would compare every prediction with every target).${hint}`,
  );
}

/**
 * Integer class targets for logits [..., classes]: shape [...] (or [..., 1]), whole numbers in
 * 0..classes-1.
 */
export function checkClassIndices(loss: string, logits: Tensor, labels: Tensor): LossInputIssue | undefined {
  const classes = logits.shape[logits.rank - 1];
  const lead = logits.shape.slice(0, -1);
  const p = formatShape(logits.shape);
  if (shapesEqual(labels.shape, logits.shape) && classes > 1) {
    const looks = everyRow(labels, isOneHot) ? ' and look one-hot' : '';
    return lossError(
      loss,
      'one-hot-for-sparse',
      `expects class indices of shape ${formatShape(lead)} (one whole number per example), but the targets have the ` +
        `predictions' shape ${p}${looks} — use softmaxCrossEntropy, or argmax(targets, -1) to get the indices`,
    );
  }
  if (!shapesEqual(labels.shape, lead) && !shapesEqual(labels.shape, [...lead, 1])) {
    return lossError(
      loss,
      'shape-mismatch',
      `expects targets of shape ${formatShape(lead)} (or ${formatShape([...lead, 1])}) for logits ${p}, got ${formatShape(labels.shape)}`,
    );
  }
  const fraction = findValue(labels, (v) => !Number.isInteger(v));
  if (fraction !== undefined) {
    return lossError(
      loss,
      'index-not-whole',
      `target ${formatNumber(fraction.value)} at position ${fraction.index} is not a whole number; the targets must be class indices 0..${classes - 1}`,
    );
  }
  const outside = findValue(labels, (v) => v < 0 || v >= classes);
  if (outside !== undefined) {
    return lossError(
      loss,
      'index-out-of-range',
      `target ${outside.value} at position ${outside.index} is not one of the ${classes} classes 0..${classes - 1} of logits ${p} — ` +
        'are the labels 1-based, or does the output layer have too few units?',
    );
  }
  return undefined;
}

/**
 * Two-class targets: 0/1 labels or probabilities in [0, 1]; margin losses (`signed`) take the
 * labels -1/+1 (0 counts as -1).
 */
export function checkBinaryTargets(loss: string, targets: Tensor, signed: boolean): LossInputIssue | undefined {
  if (signed) {
    const bad = findValue(targets, (v) => v !== -1 && v !== 0 && v !== 1);
    if (bad === undefined) return undefined;
    return lossError(loss, 'targets-out-of-range', `target ${formatNumber(bad.value)} at position ${bad.index} is not a label; the targets must be -1/+1 (or 0/1)`);
  }
  const bad = findValue(targets, (v) => !(v >= 0 && v <= 1));
  if (bad === undefined) return undefined;
  const hint = bad.value === -1 ? ' — map -1/+1 labels to 0/1 with (y + 1) / 2' : '';
  return lossError(
    loss,
    'targets-out-of-range',
    `target ${formatNumber(bad.value)} at position ${bad.index} is outside [0, 1]; the targets must be 0/1 labels (or probabilities)${hint}`,
  );
}

/** No NaN or ±Infinity: a loss of them is NaN, and so is every gradient after it. */
export function checkFiniteValues(loss: string, what: 'predictions' | 'targets', t: Tensor): LossInputIssue | undefined {
  const bad = findValue(t, (v) => !Number.isFinite(v));
  if (bad === undefined) return undefined;
  const cause = what === 'predictions' ? 'the model has diverged (lower the learning rate) or its inputs hold NaN' : 'the data holds missing values';
  return lossError(loss, 'non-finite', `the ${what} contain ${bad.value} at position ${bad.index}; ${cause}`);
}

/** One-hot or soft targets: every entry a probability, in [0, 1]. */
export function checkDistributionTargets(loss: string, targets: Tensor): LossInputIssue | undefined {
  const bad = findValue(targets, (v) => !(v >= 0 && v <= 1));
  if (bad === undefined) return undefined;
  return lossError(
    loss,
    'targets-out-of-range',
    `target ${formatNumber(bad.value)} at position ${bad.index} is outside [0, 1]; the targets must be one-hot rows or probability distributions`,
  );
}

import { Registry } from '@keel/registry';
import type { Tensor } from '@keel/tensor';
import { checkBatch, checkBinaryTargets, checkClassIndices, checkDistributionTargets, checkFiniteValues, checkSameShape } from './checks.js';
import type { LossInputIssue } from './issues.js';
import { lossesPlugin } from './plugin.js';
import type { LossSpec } from './spec.js';
import { classesWithRegressionLoss, logitsForProbabilities, probabilitiesForLogits, targetsNotDistributions } from './suspicions.js';

export interface CheckLossInputsOptions {
  /** Where to look the loss up (for a plugin's losses); Keel's own losses are always known. */
  readonly registry?: Registry;
}

let builtins: Registry | undefined;

/** The spec of a loss: from the given registry, else from a private registry of Keel's losses. */
function specOf(lossId: string, registry: Registry | undefined): LossSpec {
  if (registry !== undefined) return registry.resolve('loss', lossId);
  if (builtins === undefined) {
    // Created on first use, so importing this package still registers nothing anywhere.
    builtins = new Registry({ name: "@keel/losses' built-in losses" });
    builtins.use(lossesPlugin);
  }
  return builtins.resolve('loss', lossId);
}

function targetValueIssue(lossId: string, spec: LossSpec, targets: Tensor): LossInputIssue | undefined {
  switch (spec.targets) {
    case 'binary':
      // Margin losses on real scores take -1/+1 labels; losses on probabilities or logits take 0/1.
      return checkBinaryTargets(lossId, targets, spec.expects === 'real');
    case 'oneHot':
      return checkDistributionTargets(lossId, targets) ?? targetsNotDistributions(lossId, targets);
    case 'real':
      return spec.expects === 'real' ? classesWithRegressionLoss(lossId, targets) : undefined;
    default:
      return undefined; // 'index' targets were checked with their shape
  }
}

function predictionIssue(lossId: string, spec: LossSpec, predictions: Tensor): LossInputIssue | undefined {
  if (spec.expects === 'logits') return probabilitiesForLogits(lossId, predictions, spec.targets);
  if (spec.expects === 'probabilities') return logitsForProbabilities(lossId, predictions, spec.targets);
  return undefined;
}

/**
 * Every mismatch between a loss and its inputs that the values show, in plain words: softmax
 * applied twice, logits given to a loss on probabilities, class indices out of range or not whole,
 * one-hot targets for a sparse loss (or indices for a one-hot one), shapes that differ, NaN.
 * Errors first; an empty list means nothing looks wrong.
 */
export function checkLossInputs(lossId: string, predictions: Tensor, targets: Tensor, options: CheckLossInputsOptions = {}): LossInputIssue[] {
  const spec = specOf(lossId, options.registry);
  const classification = spec.targets === 'index' || spec.targets === 'oneHot';
  const found: (LossInputIssue | undefined)[] = [checkFiniteValues(lossId, 'predictions', predictions), checkFiniteValues(lossId, 'targets', targets)];
  const batch = checkBatch(lossId, predictions, classification ? 2 : 1);
  if (batch !== undefined) {
    found.push(batch);
  } else {
    const shape =
      spec.targets === 'index' ? checkClassIndices(lossId, predictions, targets) : checkSameShape(lossId, predictions, targets, spec.targets === 'oneHot');
    found.push(shape);
    // Target values are judged against the predictions' layout, so only when the shapes fit.
    if (shape === undefined) found.push(targetValueIssue(lossId, spec, targets));
    found.push(predictionIssue(lossId, spec, predictions));
  }
  const issues = found.filter((issue) => issue !== undefined);
  return [...issues.filter((issue) => issue.level === 'error'), ...issues.filter((issue) => issue.level === 'warning')];
}

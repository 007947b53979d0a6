import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { ShapeError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { toTensor, type TensorLike } from './convert.js';
import { reshapeView } from './reduce-to.js';
import { logSoftmax } from './softmax.js';

function rowsOf(op: string, logits: Tensor): { rows: number; classes: number } {
  if (logits.rank < 2) throw new ShapeError(op, `logits need a class axis: [..., classes], got ${formatShape(logits.shape)}`);
  const classes = logits.shape[logits.rank - 1];
  return { rows: logits.size / Math.max(classes, 1), classes };
}

/**
 * Per-example cross-entropy −log softmax(logits)[label] of logits [..., classes] and integer
 * labels [...] (float whole numbers), in one kernel: log-sum-exp subtracts each row's max, so any
 * finite logits give a finite loss. The backward is dy·(softmax − onehot) in one pass; labels get
 * no gradient. Returns [...] — reduce it yourself (the losses package averages over the batch).
 */
export function sparseSoftmaxCrossEntropyWithLogits(logitsValue: TensorLike, labelsValue: TensorLike): Tensor {
  const logits = toTensor('sparseSoftmaxCrossEntropy', logitsValue);
  const labels = toTensor('sparseSoftmaxCrossEntropy', labelsValue);
  const { rows, classes } = rowsOf('sparseSoftmaxCrossEntropy', logits);
  if (labels.size !== rows) {
    throw new ShapeError('sparseSoftmaxCrossEntropy', `labels ${formatShape(labels.shape)} do not match logits ${formatShape(logits.shape)} (one label per row of ${classes} classes)`);
  }
  const flat = reshapeView(logits, [rows, classes]);
  const flatLabels = reshapeView(labels, [rows]);
  const perRow = engine.run('sparseSoftmaxCrossEntropy', [flat, flatLabels]);
  const lead = logits.shape.slice(0, -1);
  const y = logits.rank === 2 ? perRow : reshapeView(perRow, lead);
  return record(y, 'sparseSoftmaxCrossEntropy', [logits, labels], (dy) => {
    const d = engine.run('sparseSoftmaxCrossEntropyGrad', [flat, flatLabels, reshapeView(dy, [rows])]);
    return [logits.rank === 2 ? d : reshapeView(d, logits.shape), null];
  });
}

/**
 * Per-example cross-entropy −Σ t·log softmax(logits) of logits and one-hot or soft targets of the
 * same shape [..., classes], in one kernel; the backward is dy·(softmax·Σt − t) in one pass (no
 * division by a probability that may have underflowed to 0). Targets that require gradients
 * get −dy·log softmax(logits).
 */
export function softmaxCrossEntropyWithLogits(logitsValue: TensorLike, targetsValue: TensorLike): Tensor {
  const logits = toTensor('softmaxCrossEntropy', logitsValue);
  const targets = toTensor('softmaxCrossEntropy', targetsValue);
  const { rows, classes } = rowsOf('softmaxCrossEntropy', logits);
  if (!shapesEqual(logits.shape, targets.shape)) {
    throw new ShapeError('softmaxCrossEntropy', `targets ${formatShape(targets.shape)} do not match logits ${formatShape(logits.shape)}`);
  }
  const flat = reshapeView(logits, [rows, classes]);
  const flatTargets = reshapeView(targets, [rows, classes]);
  const perRow = engine.run('softmaxCrossEntropy', [flat, flatTargets]);
  const lead = logits.shape.slice(0, -1);
  const y = logits.rank === 2 ? perRow : reshapeView(perRow, lead);
  return record(y, 'softmaxCrossEntropy', [logits, targets], (dy) => {
    const rowGrad = reshapeView(dy, [rows]);
    const d = engine.run('softmaxCrossEntropyGrad', [flat, flatTargets, rowGrad]);
    const dLogits = logits.rank === 2 ? d : reshapeView(d, logits.shape);
    const dTargets = targets.requiresGrad ? mul(reshapeView(rowGrad, [...lead, 1]), mul(logSoftmax(logits), -1)) : null;
    return [dLogits, dTargets];
  });
}

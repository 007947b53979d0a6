import { describe, expect, it } from 'vitest';
import { hinge, huber, LossInputError, meanAbsoluteError, meanSquaredError } from '../src/index.js';
import { f64, valuesOf } from './helpers.js';

// Two examples with two outputs each; errors e = p − t are [[1, 0], [0, 2]] and [[-0.5, 3], [2, -1]].
const p = f64([
  [1, 2],
  [3, 5],
]);
const t = f64([
  [0, 2],
  [3, 3],
]);

describe('meanSquaredError', () => {
  // Per example: mean of e²: (1 + 0) / 2 = 0.5 and (0 + 4) / 2 = 2.
  it('is the per-example mean of squared errors, averaged over the batch by default', () => {
    expect(meanSquaredError(p, t).item()).toBeCloseTo((0.5 + 2) / 2, 14);
    expect(meanSquaredError(p, t, { reduction: 'mean' }).item()).toBeCloseTo(1.25, 14);
  });

  it("sums over the batch with 'sum' and returns one loss per example with 'none'", () => {
    expect(meanSquaredError(p, t, { reduction: 'sum' }).item()).toBeCloseTo(2.5, 14);
    const none = meanSquaredError(p, t, { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expect(valuesOf(none)).toEqual([0.5, 2]);
  });

  it('treats a rank-1 batch as one output per example', () => {
    expect(valuesOf(meanSquaredError(f64([1, -2]), f64([0, 0]), { reduction: 'none' }))).toEqual([1, 4]);
  });

  it('refuses targets of another shape instead of broadcasting [4, 1] against [4] into [4, 4]', () => {
    const call = (): unknown => meanSquaredError(f64([[1], [2], [3], [4]]), f64([1, 2, 3, 4]));
    expect(call).toThrow(LossInputError);
    expect(call).toThrow(
      'meanSquaredError: predictions have shape [4, 1] but targets have shape [4]; they must be equal (broadcasting them would compare every prediction with every target). Reshape the targets to [4, 1].',
    );
  });

  it('points class-index targets to a classification loss', () => {
    expect(() => meanSquaredError(f64([[0.1, 0.9, 0], [0.5, 0.5, 0]]), f64([1, 2]))).toThrow(
      'meanSquaredError: predictions have shape [2, 3] but targets have shape [2], and the targets look like class indices of 3 classes — for classification use sparseSoftmaxCrossEntropy on logits',
    );
  });

  it('refuses a scalar, an empty batch and an unknown reduction', () => {
    expect(() => meanSquaredError(f64(1), f64(1))).toThrow('meanSquaredError: expects predictions of shape [batch, ...], got []');
    expect(() => meanSquaredError(f64([]), f64([]))).toThrow('meanSquaredError: got an empty batch');
    // @ts-expect-error -- not a reduction
    expect(() => meanSquaredError(p, t, { reduction: 'avg' })).toThrow("meanSquaredError: unknown reduction 'avg'; use 'mean', 'sum' or 'none'");
  });
});

describe('meanAbsoluteError', () => {
  // |e| per example: (1 + 0) / 2 = 0.5 and (0 + 2) / 2 = 1.
  it('is the per-example mean of absolute errors, with each reduction', () => {
    expect(meanAbsoluteError(p, t).item()).toBeCloseTo(0.75, 14);
    expect(meanAbsoluteError(p, t, { reduction: 'sum' }).item()).toBeCloseTo(1.5, 14);
    expect(valuesOf(meanAbsoluteError(p, t, { reduction: 'none' }))).toEqual([0.5, 1]);
  });
});

describe('huber', () => {
  // e = [[-0.5, 3], [2, -1]]; with δ = 1: ½·0.25 = 0.125, 1·(3 − ½) = 2.5, 1·(2 − ½) = 1.5, ½·1 = 0.5.
  const predictions = f64([
    [0.5, 4],
    [2, -1],
  ]);
  const targets = f64([
    [1, 1],
    [0, 0],
  ]);

  it('is quadratic inside delta and linear outside, with each reduction', () => {
    const loss = huber(1);
    expect(valuesOf(loss(predictions, targets, { reduction: 'none' }))).toEqual([(0.125 + 2.5) / 2, (1.5 + 0.5) / 2]);
    expect(loss(predictions, targets).item()).toBeCloseTo((1.3125 + 1) / 2, 14);
    expect(loss(predictions, targets, { reduction: 'sum' }).item()).toBeCloseTo(2.3125, 14);
  });

  it('uses delta: with δ = 2.5 the error of 3 is linear, 2 is quadratic', () => {
    // ½·0.25, 2.5·(3 − 1.25), ½·4, ½·1
    const expected = [(0.125 + 4.375) / 2, (2 + 0.5) / 2];
    expect(valuesOf(huber(2.5)(predictions, targets, { reduction: 'none' }))).toEqual(expected);
  });

  it('defaults delta to 1 and refuses a delta that is not positive', () => {
    expect(huber()(predictions, targets).item()).toBe(huber(1)(predictions, targets).item());
    expect(() => huber(0)).toThrow('huber: delta must be a positive number, got 0');
  });
});

describe('hinge', () => {
  // max(0, 1 − t·p): t = 1, p = 0.25 → 0.75; t = -1, p = 0.5 → 1.5; t = 1, p = 2 → 0; t = -1, p = -3 → 0.
  const scores = f64([0.25, 0.5, 2, -3]);

  it('is the margin loss for -1/+1 labels, with each reduction', () => {
    const labels = f64([1, -1, 1, -1]);
    expect(valuesOf(hinge(scores, labels, { reduction: 'none' }))).toEqual([0.75, 1.5, 0, 0]);
    expect(hinge(scores, labels).item()).toBeCloseTo(2.25 / 4, 14);
    expect(hinge(scores, labels, { reduction: 'sum' }).item()).toBeCloseTo(2.25, 14);
  });

  it('reads the label 0 as -1, so 0/1 labels work unchanged', () => {
    expect(valuesOf(hinge(scores, f64([1, 0, 1, 0]), { reduction: 'none' }))).toEqual([0.75, 1.5, 0, 0]);
  });

  it('refuses targets that are not labels', () => {
    expect(() => hinge(scores, f64([1, 0.5, 1, 0]))).toThrow('hinge: target 0.5 at position 1 is not a label; the targets must be -1/+1 (or 0/1)');
  });
});

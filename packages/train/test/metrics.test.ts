import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, f1, mae, mse, perClassScores, precision, r2, recall } from '../src/index.js';

const logits = { predictions: 'logits' as const };

describe('classification metrics', () => {
  // predicted classes: 0, 1, 1, 2, 2, 0 ; actual: 0, 1, 2, 2, 1, 0
  const predictions = tensor([[5, 1, 0], [0, 3, 1], [0, 2, 1], [1, 0, 4], [0, 1, 2], [3, 2, 1]]);
  const targets = tensor([0, 1, 2, 2, 1, 0]);

  it('accuracy with index and one-hot targets, and binary with a logit threshold of 0', () => {
    const m = accuracy(logits);
    m.update(predictions, targets);
    expect(m.result()).toBeCloseTo(4 / 6, 12);
    const oneHot = accuracy(logits);
    oneHot.update(predictions, tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0], [1, 0, 0]]));
    expect(oneHot.result()).toBeCloseTo(4 / 6, 12);
    const binary = accuracy(logits);
    binary.update(tensor([[2], [-1], [0.5], [-3]]), tensor([[1], [0], [0], [0]]));
    expect(binary.result()).toBe(0.75);
    const probs = accuracy({ predictions: 'probabilities' });
    probs.update(tensor([[0.9], [0.4]]), tensor([[1], [1]]));
    expect(probs.result()).toBe(0.5);
  });

  it('confusion matrix and macro precision / recall / F1 by hand', () => {
    const cm = confusionMatrix(logits);
    cm.update(predictions, targets);
    expect(cm.result()).toEqual({ matrix: [[2, 0, 0], [0, 1, 1], [0, 1, 1]] });
    // class 0: p=1 r=1; class 1: p=1/2 r=1/2; class 2: p=1/2 r=1/2
    const scores = perClassScores([[2, 0, 0], [0, 1, 1], [0, 1, 1]]);
    expect(scores.macro.precision).toBeCloseTo(2 / 3, 12);
    for (const [metric, expected] of [[precision, 2 / 3], [recall, 2 / 3], [f1, 2 / 3]] as const) {
      const m = metric(logits);
      m.update(predictions, targets);
      expect(m.result()).toBeCloseTo(expected, 12);
    }
  });
});

describe('regression metrics', () => {
  it('mae, mse and r2 by hand', () => {
    const p = tensor([2, 4, 6]);
    const t = tensor([1, 4, 8]);
    const a = mae();
    a.update(p, t);
    expect(a.result()).toBeCloseTo(1, 12);
    const s = mse();
    s.update(p, t);
    expect(s.result()).toBeCloseTo(5 / 3, 12);
    const r = r2();
    r.update(p, t);
    // mean t = 13/3; SS_tot = (1-13/3)^2 + (4-13/3)^2 + (8-13/3)^2 = 74/3; SS_res = 5
    expect(r.result()).toBeCloseTo(1 - 5 / (74 / 3), 6);
    expect(() => a.update(tensor([1, 2]), t)).toThrow('mae: predictions have 2 values ([2]) but targets 3 ([3])');
  });
});

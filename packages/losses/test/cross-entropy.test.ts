import { tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, klDivergence, softmaxCrossEntropy, sparseSoftmaxCrossEntropy } from '../src/index.js';
import { f64, sigmoid, valuesOf } from './helpers.js';

/** −log softmax(row)[k], written out: log Σ exp(row) − row[k]. */
const handCrossEntropy = (row: number[], k: number): number => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[k];
const handSoftmax = (row: number[]): number[] => {
  const total = row.reduce((s, v) => s + Math.exp(v), 0);
  return row.map((v) => Math.exp(v) / total);
};

const logitRows = [
  [1, 2, 3],
  [0.5, -1, 0],
];
const labels = [2, 0];
const oneHotRows = [
  [0, 0, 1],
  [1, 0, 0],
];

/** d loss / d logits by autograd. */
function gradOf(loss: (x: Tensor) => Tensor, logits: Tensor): number[] {
  const x = logits.detach().requireGrad();
  loss(x).backward();
  return valuesOf(x.grad!);
}

describe('softmaxCrossEntropy', () => {
  const perExample = [handCrossEntropy(logitRows[0], 2), handCrossEntropy(logitRows[1], 0)];

  it('is −log softmax of the target class, averaged over the batch by default', () => {
    expect(softmaxCrossEntropy(f64(logitRows), f64(oneHotRows)).item()).toBeCloseTo((perExample[0] + perExample[1]) / 2, 12);
  });

  it("sums with 'sum' and keeps one loss per example with 'none'", () => {
    expect(softmaxCrossEntropy(f64(logitRows), f64(oneHotRows), { reduction: 'sum' }).item()).toBeCloseTo(perExample[0] + perExample[1], 12);
    const none = softmaxCrossEntropy(f64(logitRows), f64(oneHotRows), { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    valuesOf(none).forEach((v, i) => expect(v).toBeCloseTo(perExample[i], 12));
  });

  it('takes soft targets: −Σ t·log softmax', () => {
    const soft = [0.1, 0.2, 0.7];
    const expected = soft.reduce((s, ti, k) => s + ti * handCrossEntropy(logitRows[0], k), 0);
    expect(softmaxCrossEntropy(f64([logitRows[0]]), f64([soft])).item()).toBeCloseTo(expected, 12);
  });

  it('has the gradient (softmax − target) / batchSize under the mean', () => {
    const grad = gradOf((x) => softmaxCrossEntropy(x, f64(oneHotRows)), f64(logitRows));
    const expected = logitRows.flatMap((row, i) => handSoftmax(row).map((s, k) => (s - oneHotRows[i][k]) / 2));
    grad.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
  });

  it('has the gradient softmax − target per example under the sum', () => {
    const grad = gradOf((x) => softmaxCrossEntropy(x, f64(oneHotRows), { reduction: 'sum' }), f64(logitRows));
    const expected = logitRows.flatMap((row, i) => handSoftmax(row).map((s, k) => s - oneHotRows[i][k]));
    grad.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
  });

  it('stays finite for logits of ±1e4 in float32, value and gradient', () => {
    const logits = tensor([
      [1e4, -1e4, 0],
      [-1e4, 1e4, 1e4],
    ]);
    const targets = tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    // Row 1: the target logit is 2e4 below the max; row 2: 2e4 below two tied maxima, so + ln 2.
    const none = softmaxCrossEntropy(logits, targets, { reduction: 'none' });
    expect(valuesOf(none)[0]).toBeCloseTo(2e4, 2);
    expect(valuesOf(none)[1]).toBeCloseTo(2e4 + Math.LN2, 2);
    const grad = gradOf((x) => softmaxCrossEntropy(x, targets), logits);
    expect(grad.every(Number.isFinite)).toBe(true);
    // (softmax − t) / 2: row 1 [1, -1, 0] / 2; row 2 [-1, ½, ½] / 2.
    [0.5, -0.5, 0, -0.5, 0.25, 0.25].forEach((g, i) => expect(grad[i]).toBeCloseTo(g, 6));
  });

  it('treats every leading position as an example: [batch, time, classes]', () => {
    const logits = f64([[logitRows[0], logitRows[1]]]);
    expect(softmaxCrossEntropy(logits, f64([oneHotRows]), { reduction: 'none' }).shape).toEqual([1, 2]);
    expect(softmaxCrossEntropy(logits, f64([oneHotRows])).item()).toBeCloseTo((perExample[0] + perExample[1]) / 2, 12);
  });

  it('says so when given class indices instead of one-hot rows', () => {
    expect(() => softmaxCrossEntropy(f64(logitRows), f64(labels))).toThrow(
      "softmaxCrossEntropy: expects one-hot (or soft) targets of the predictions' shape [2, 3], but the targets [2] look like class indices — use sparseSoftmaxCrossEntropy, or oneHot(targets, 3)",
    );
  });

  it('refuses targets outside [0, 1] and predictions that are not [batch, classes]', () => {
    expect(() => softmaxCrossEntropy(f64(logitRows), f64([[0, 2, -1], [1, 0, 0]]))).toThrow(
      'softmaxCrossEntropy: target 2 at position 1 is outside [0, 1]; the targets must be one-hot rows or probability distributions',
    );
    expect(() => softmaxCrossEntropy(f64([1, 2, 3]), f64([0, 0, 1]))).toThrow('softmaxCrossEntropy: expects predictions of shape [batch, classes], got [3]');
  });
});

describe('sparseSoftmaxCrossEntropy', () => {
  it('equals softmaxCrossEntropy on the one-hot rows, for each reduction', () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const sparse = sparseSoftmaxCrossEntropy(f64(logitRows), f64(labels), { reduction });
      const dense = softmaxCrossEntropy(f64(logitRows), f64(oneHotRows), { reduction });
      expect(valuesOf(sparse)).toEqual(valuesOf(dense));
    }
    expect(sparseSoftmaxCrossEntropy(f64(logitRows), f64(labels)).item()).toBeCloseTo(
      (handCrossEntropy(logitRows[0], 2) + handCrossEntropy(logitRows[1], 0)) / 2,
      12,
    );
  });

  it('accepts labels shaped [batch, 1]', () => {
    expect(sparseSoftmaxCrossEntropy(f64(logitRows), f64([[2], [0]])).item()).toBe(sparseSoftmaxCrossEntropy(f64(logitRows), f64(labels)).item());
  });

  it('has the gradient (softmax − onehot) / batchSize and stays finite at ±1e4', () => {
    const grad = gradOf((x) => sparseSoftmaxCrossEntropy(x, f64(labels)), f64(logitRows));
    const expected = logitRows.flatMap((row, i) => handSoftmax(row).map((s, k) => (s - oneHotRows[i][k]) / 2));
    grad.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
    const extreme = tensor([[1e4, -1e4], [-1e4, 1e4]]);
    expect(sparseSoftmaxCrossEntropy(extreme, tensor([1, 1]), { reduction: 'none' }).toArray()).toEqual([2e4, 0]);
    expect(gradOf((x) => sparseSoftmaxCrossEntropy(x, tensor([1, 1])), extreme)).toEqual([0.5, -0.5, 0, 0]);
  });

  it('refuses labels that are not whole, out of range, or one-hot', () => {
    expect(() => sparseSoftmaxCrossEntropy(f64(logitRows), f64([1.5, 0]))).toThrow(
      'sparseSoftmaxCrossEntropy: target 1.5 at position 0 is not a whole number; the targets must be class indices 0..2',
    );
    expect(() => sparseSoftmaxCrossEntropy(f64(logitRows), f64([3, 0]))).toThrow(
      'sparseSoftmaxCrossEntropy: target 3 at position 0 is not one of the 3 classes 0..2 of logits [2, 3] — are the labels 1-based, or does the output layer have too few units?',
    );
    expect(() => sparseSoftmaxCrossEntropy(f64(logitRows), f64(oneHotRows))).toThrow(
      "sparseSoftmaxCrossEntropy: expects class indices of shape [2] (one whole number per example), but the targets have the predictions' shape [2, 3] and look one-hot — use softmaxCrossEntropy, or argmax(targets, -1) to get the indices",
    );
    expect(() => sparseSoftmaxCrossEntropy(f64(logitRows), f64([0, 1, 2]))).toThrow(
      'sparseSoftmaxCrossEntropy: expects targets of shape [2] (or [2, 1]) for logits [2, 3], got [3]',
    );
  });
});

describe('binaryCrossEntropy (on probabilities)', () => {
  // −(t log p + (1 − t) log(1 − p)) for p = 0.8, t = 1; p = 0.3, t = 0; p = 0.6, t = 0.25 (a soft label).
  const expected = [-Math.log(0.8), -Math.log(0.7), -(0.25 * Math.log(0.6) + 0.75 * Math.log(0.4))];

  it('is the two-class cross-entropy, with each reduction', () => {
    const p = f64([0.8, 0.3, 0.6]);
    const t = f64([1, 0, 0.25]);
    valuesOf(binaryCrossEntropy(p, t, { reduction: 'none' })).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(binaryCrossEntropy(p, t).item()).toBeCloseTo((expected[0] + expected[1] + expected[2]) / 3, 12);
    expect(binaryCrossEntropy(p, t, { reduction: 'sum' }).item()).toBeCloseTo(expected[0] + expected[1] + expected[2], 12);
  });

  it('clamps probabilities to [eps, 1 − eps], so p = 0 with t = 1 is large but finite', () => {
    valuesOf(binaryCrossEntropy(f64([0, 1]), f64([1, 0]), { reduction: 'none' })).forEach((v) => expect(v).toBeCloseTo(-Math.log(1e-7), 6));
    const loss = binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'none' });
    // In float32, 1 − 1e-7 rounds to 1 − 1.19e-7: the clamp is at float32's nearest values.
    const [first, second] = valuesOf(loss);
    expect(first).toBeCloseTo(-Math.log(Math.fround(1e-7)), 4);
    expect(second).toBeCloseTo(-Math.log(1 - Math.fround(1 - 1e-7)), 4);
  });

  it('refuses -1/+1 labels with a hint', () => {
    expect(() => binaryCrossEntropy(f64([0.5, 0.5]), f64([1, -1]))).toThrow(
      'binaryCrossEntropy: target -1 at position 1 is outside [0, 1]; the targets must be 0/1 labels (or probabilities) — map -1/+1 labels to 0/1 with (y + 1) / 2',
    );
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('equals binary cross-entropy of sigmoid(x), with each reduction', () => {
    const x = [2, -1, 0, 0.5];
    const z = [1, 0, 1, 0.25];
    const expected = x.map((xi, i) => -(z[i] * Math.log(sigmoid(xi)) + (1 - z[i]) * Math.log(1 - sigmoid(xi))));
    const none = binaryCrossEntropyWithLogits(f64([x]), f64([z]), { reduction: 'none' });
    expect(none.shape).toEqual([1]);
    expect(none.item()).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 12);
    const column = (v: number[]): Tensor => f64(v.map((e) => [e]));
    expect(binaryCrossEntropyWithLogits(column(x), column(z)).item()).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 12);
    expect(binaryCrossEntropyWithLogits(column(x), column(z), { reduction: 'sum' }).item()).toBeCloseTo(expected.reduce((a, b) => a + b), 12);
  });

  it('is stable at ±1e4 and has the gradient (σ(x) − z) / n, also at exactly x = 0', () => {
    const loss = binaryCrossEntropyWithLogits(tensor([1e4, -1e4, 1e4, -1e4]), tensor([0, 0, 1, 1]), { reduction: 'none' });
    expect(loss.toArray()).toEqual([1e4, 0, 0, 1e4]);
    const grad = gradOf((x) => binaryCrossEntropyWithLogits(x, tensor([0, 0, 1, 1])), tensor([1e4, -1e4, 1e4, -1e4]));
    expect(grad).toEqual([0.25, 0, 0, -0.25]);
    // At x = 0 both kinks of max(x, 0) − x·z + log1p(exp(−|x|)) meet; the true gradient is σ(0) − z.
    expect(gradOf((x) => binaryCrossEntropyWithLogits(x, f64([1, 0])), f64([0, 0]))).toEqual([-0.25, 0.25]);
  });
});

describe('klDivergence', () => {
  it('is Σ t·log(t / p) per row, with 0·log 0 = 0, and each reduction', () => {
    const p = f64([
      [0.25, 0.25, 0.5],
      [0.6, 0.3, 0.1],
    ]);
    const t = f64([
      [0.5, 0.5, 0],
      [0.6, 0.3, 0.1],
    ]);
    const first = 0.5 * Math.log(0.5 / 0.25) * 2;
    const none = valuesOf(klDivergence(p, t, { reduction: 'none' }));
    expect(none[0]).toBeCloseTo(first, 12);
    expect(none[1]).toBeCloseTo(0, 14);
    expect(klDivergence(p, t).item()).toBeCloseTo(first / 2, 12);
    expect(klDivergence(p, t, { reduction: 'sum' }).item()).toBeCloseTo(first, 12);
  });
});

import { Registry, UnknownIdError, definePlugin } from '@keel/registry';
import { softmax, tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { checkLossInputs, meanSquaredError, type LossSpec } from '../src/index.js';
import { f64 } from './helpers.js';

const logits = f64([
  [2, -1, 0.5],
  [0.3, 1.2, -0.7],
]);
const oneHotTargets = f64([
  [1, 0, 0],
  [0, 0, 1],
]);

const messages = (issues: ReturnType<typeof checkLossInputs>): string[] => issues.map((issue) => issue.message);

describe('checkLossInputs', () => {
  it('finds nothing wrong with well-formed inputs', () => {
    expect(checkLossInputs('softmaxCrossEntropy', logits, oneHotTargets)).toEqual([]);
    expect(checkLossInputs('sparseSoftmaxCrossEntropy', logits, f64([0, 2]))).toEqual([]);
    expect(checkLossInputs('binaryCrossEntropyWithLogits', f64([[-2], [0.4]]), f64([[0], [1]]))).toEqual([]);
    expect(checkLossInputs('binaryCrossEntropy', f64([[0.2], [0.9]]), f64([[0], [1]]))).toEqual([]);
    expect(checkLossInputs('meanSquaredError', f64([[0.2, 4]]), f64([[1, 3]]))).toEqual([]);
    expect(checkLossInputs('hinge', f64([0.2, -3]), f64([-1, 1]))).toEqual([]);
    expect(checkLossInputs('klDivergence', softmax(logits), softmax(oneHotTargets))).toEqual([]);
  });

  it('notices softmax applied before a loss on logits', () => {
    const issues = checkLossInputs('softmaxCrossEntropy', softmax(logits), oneHotTargets);
    expect(issues).toEqual([
      {
        level: 'warning',
        code: 'probabilities-for-logits',
        message:
          'softmaxCrossEntropy expects raw logits, but every row of the predictions sums to 1 — did you apply softmax twice? Remove the softmax output activation.',
      },
    ]);
    expect(issues[0].message).toContain('did you apply softmax twice?');
    expect(checkLossInputs('sparseSoftmaxCrossEntropy', softmax(logits), f64([0, 2]))[0].code).toBe('probabilities-for-logits');
  });

  it('notices a sigmoid applied before binaryCrossEntropyWithLogits, but not zero logits', () => {
    expect(messages(checkLossInputs('binaryCrossEntropyWithLogits', f64([[0.2], [0.9]]), f64([[0], [1]])))).toEqual([
      'binaryCrossEntropyWithLogits expects raw logits, but every prediction lies in [0, 1] — did you apply a sigmoid already? Remove the sigmoid output activation (or use binaryCrossEntropy, which takes probabilities).',
    ]);
    expect(checkLossInputs('binaryCrossEntropyWithLogits', f64([[0], [0]]), f64([[0], [1]]))).toEqual([]);
  });

  it('notices logits given to a loss on probabilities', () => {
    expect(checkLossInputs('binaryCrossEntropy', f64([[-2.5], [4]]), f64([[0], [1]]))).toEqual([
      {
        level: 'error',
        code: 'logits-for-probabilities',
        message:
          'binaryCrossEntropy: expects probabilities in [0, 1], but the predictions range from -2.5 to 4 — they look like raw logits; use binaryCrossEntropyWithLogits (more stable), or add a sigmoid output activation',
      },
    ]);
    expect(checkLossInputs('klDivergence', logits, softmax(oneHotTargets))[0].message).toContain('add a softmax output activation');
    expect(checkLossInputs('klDivergence', f64([[0.2, 0.2, 0.2]]), f64([[0, 1, 0]]))[0].code).toBe('predictions-not-distribution');
  });

  it('names class indices that are out of range or not whole', () => {
    expect(checkLossInputs('sparseSoftmaxCrossEntropy', logits, f64([1, 3]))).toEqual([
      {
        level: 'error',
        code: 'index-out-of-range',
        message:
          'sparseSoftmaxCrossEntropy: target 3 at position 1 is not one of the 3 classes 0..2 of logits [2, 3] — are the labels 1-based, or does the output layer have too few units?',
      },
    ]);
    expect(messages(checkLossInputs('sparseSoftmaxCrossEntropy', logits, f64([0.5, 1])))).toEqual([
      'sparseSoftmaxCrossEntropy: target 0.5 at position 0 is not a whole number; the targets must be class indices 0..2',
    ]);
    expect(checkLossInputs('sparseSoftmaxCrossEntropy', logits, f64([-1, 1]))[0].code).toBe('index-out-of-range');
  });

  it('tells one-hot targets for a sparse loss from indices for a one-hot loss', () => {
    const oneHotForSparse = checkLossInputs('sparseSoftmaxCrossEntropy', logits, oneHotTargets);
    expect(oneHotForSparse.map((issue) => issue.code)).toEqual(['one-hot-for-sparse']);
    expect(oneHotForSparse[0].message).toContain('look one-hot — use softmaxCrossEntropy, or argmax(targets, -1) to get the indices');
    const indicesForOneHot = checkLossInputs('softmaxCrossEntropy', logits, f64([0, 2]));
    expect(indicesForOneHot).toEqual([
      {
        level: 'error',
        code: 'indices-for-one-hot',
        message:
          "softmaxCrossEntropy: expects one-hot (or soft) targets of the predictions' shape [2, 3], but the targets [2] look like class indices — use sparseSoftmaxCrossEntropy, or oneHot(targets, 3)",
      },
    ]);
  });

  it('names both shapes when they differ', () => {
    expect(messages(checkLossInputs('meanSquaredError', f64([[1, 2, 3]]), f64([[1, 2]])))).toEqual([
      'meanSquaredError: predictions have shape [1, 3] but targets have shape [1, 2]; they must be equal (broadcasting them would compare every prediction with every target).',
    ]);
    expect(messages(checkLossInputs('sparseSoftmaxCrossEntropy', logits, f64([0, 1, 2])))).toEqual([
      'sparseSoftmaxCrossEntropy: expects targets of shape [2] (or [2, 1]) for logits [2, 3], got [3]',
    ]);
  });

  it('says the same thing the loss throws', () => {
    const [issue] = checkLossInputs('meanSquaredError', f64([[1], [2]]), f64([1, 2]));
    expect(() => meanSquaredError(f64([[1], [2]]), f64([1, 2]))).toThrow(issue.message);
  });

  it('warns about one-hot targets given to a regression loss, and soft targets that are not distributions', () => {
    const [issue] = checkLossInputs('meanSquaredError', softmax(logits), oneHotTargets);
    expect(issue.code).toBe('classes-with-regression-loss');
    expect(issue.message).toBe(
      'meanSquaredError on one-hot targets: the targets look like 3 classes. A squared or absolute error on class scores learns slowly once the outputs saturate; use softmaxCrossEntropy on logits.',
    );
    expect(checkLossInputs('softmaxCrossEntropy', logits, f64([[0.5, 0.5, 0.5], [1, 0, 0]]))[0].code).toBe('targets-not-distribution');
  });

  it('reports bad target values for binary losses', () => {
    expect(checkLossInputs('binaryCrossEntropyWithLogits', f64([-1, 2]), f64([1, -1]))[0].message).toContain('map -1/+1 labels to 0/1 with (y + 1) / 2');
    expect(checkLossInputs('hinge', f64([-1, 2]), f64([1, 2]))[0].code).toBe('targets-out-of-range');
  });

  it('reports NaN, and a missing batch axis', () => {
    const issues = checkLossInputs('meanSquaredError', tensor([1, NaN], undefined, { allowNonFinite: true }), tensor([0, 0]));
    expect(messages(issues)).toEqual([
      'meanSquaredError: the predictions contain NaN at position 1; the model has diverged (lower the learning rate) or its inputs hold NaN',
    ]);
    expect(checkLossInputs('softmaxCrossEntropy', f64([1, 2]), f64([0, 1]))[0].code).toBe('not-a-batch');
  });

  it('lists errors before warnings', () => {
    const levels = checkLossInputs('sparseSoftmaxCrossEntropy', softmax(logits), f64([0, 7])).map((issue) => issue.level);
    expect(levels).toEqual(['error', 'warning']);
  });

  it('suggests the nearest id for a typo', () => {
    expect(() => checkLossInputs('softmaxCrossEntropi', logits, oneHotTargets)).toThrow(UnknownIdError);
    expect(() => checkLossInputs('softmaxCrossEntropi', logits, oneHotTargets)).toThrow("did you mean 'softmaxCrossEntropy'?");
  });

  it("checks a plugin's loss from its metadata when given the registry", () => {
    const focal: LossSpec & { id: string } = {
      id: 'acme/focal',
      description: 'focal loss',
      expects: 'logits',
      targets: 'index',
      create: () => meanSquaredError,
    };
    const registry = new Registry();
    registry.use(definePlugin({ name: '@acme/keel-focal', version: '1.0.0', provides: { loss: [focal] } }));
    expect(checkLossInputs('acme/focal', logits, f64([0, 9]), { registry })[0].code).toBe('index-out-of-range');
  });
});

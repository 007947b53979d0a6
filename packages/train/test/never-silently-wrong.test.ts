// Issue #19, "never silently wrong": every input to fit, evaluate, predict, the metrics and the
// callbacks either works or fails naming the function, the argument and what to pass — no raw
// TypeError from inside, no label counted as a miss, no step taken after an abort.
import { ArrayDataset, map, type Dataset, type Example } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import type { Registry } from '@keel/registry';
import { tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  confusionMatrix,
  earlyStopping,
  evaluate,
  f1,
  fit,
  learningRateScheduler,
  mae,
  perClassScores,
  precision,
  predict,
  progress,
  recall,
  reduceLROnPlateau,
  type Callback,
} from '../src/index.js';
import { csvLogger, modelCheckpoint } from '../src/node/index.js';
import { freshRegistry, rejected, thrown, xorData, xorModel } from './helpers.js';

const base = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 0.1 } } as const;
const logits = { predictions: 'logits' } as const;

type Case = readonly [string, () => unknown, string | RegExp];

function expectMessage(error: Error, expected: string | RegExp): void {
  if (typeof expected === 'string') expect(error.message).toBe(expected);
  else expect(error.message).toMatch(expected);
}

/** 2 inputs, 4 classes (logits). */
function fourClassModel(registry: Registry): Sequential {
  return new Sequential([new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 4 })], { inputShape: [2], seed: 1, registry });
}

/** The four xor corners labelled with classes; 7 is no class of a 4-class model. */
function labelled(labels: readonly number[]): ArrayDataset {
  return new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [2], Float32Array.from(labels));
}

function weightsOf(model: Sequential): number[][] {
  return [...model.parameters().values()].map((p) => Array.from(p.values));
}

describe('evaluate with metrics only checks the targets as the loss does (item 1)', () => {
  it('a label 7 for a 4-class model is the error the loss path raises, not a miss', () => {
    const registry = freshRegistry();
    const model = fourClassModel(registry);
    const withLoss = thrown(() => evaluate(model, labelled([0, 1, 7, 3]), { loss: 'sparseSoftmaxCrossEntropy', registry }));
    const detail = 'target 7 at position 2 is not one of the 4 classes 0..3 of logits [4, 4] — are the labels 1-based, or does the output layer have too few units?';
    expect(withLoss.message).toBe(`sparseSoftmaxCrossEntropy: ${detail}`);
    const metricsOnly = thrown(() => evaluate(model, labelled([0, 1, 7, 3]), { metrics: ['accuracy'], predictions: 'logits', registry }));
    expect(metricsOnly).toBeInstanceOf(RangeError);
    expect(metricsOnly.message).toBe(
      "evaluate: the targets do not fit the model's outputs [4, 4] (checked as the loss sparseSoftmaxCrossEntropy checks them, since no loss was given): " +
        `in the batch starting at example 0, ${detail}`,
    );
    const secondBatch = thrown(() => evaluate(model, labelled([0, 1, 2, 7]), { metrics: ['f1'], predictions: 'logits', registry, batchSize: 2 }));
    expect(secondBatch.message).toContain('in the batch starting at example 2, target 7 at position 1 is not one of the 4 classes 0..3 of logits [2, 4]');
  });

  it('binary labels outside [0, 1] and fractional class indices are refused too; good targets score as with a loss', () => {
    const registry = freshRegistry();
    const binary = thrown(() => evaluate(xorModel(1, registry), new ArrayDataset(new Float32Array(8), [2], Float32Array.from([0, 2, 1, 0]), [1]), { metrics: ['accuracy'], predictions: 'logits', registry }));
    expect(binary.message).toBe(
      "evaluate: the targets do not fit the model's outputs [4, 1] (checked as the loss binaryCrossEntropyWithLogits checks them, since no loss was given): " +
        'in the batch starting at example 0, target 2 at position 1 is outside [0, 1]; the targets must be 0/1 labels (or probabilities)',
    );
    const fraction = thrown(() => evaluate(fourClassModel(registry), labelled([0, 1.5, 2, 3]), { metrics: ['accuracy'], predictions: 'probabilities', registry }));
    expect(fraction.message).toContain('target 1.5 at position 1 is not a whole number; the targets must be class indices 0..3');
    const model = fourClassModel(registry);
    const good = labelled([0, 1, 2, 3]);
    expect(evaluate(model, good, { metrics: ['accuracy'], predictions: 'logits', registry }).accuracy).toBe(evaluate(model, good, { loss: 'sparseSoftmaxCrossEntropy', registry }).accuracy);
    // regression outputs take any finite target
    expect(evaluate(xorModel(1, registry), new ArrayDataset(new Float32Array(8), [2], Float32Array.from([5, -3, 0, 9]), [1]), { metrics: ['mae'], predictions: 'real', registry }).mae).toBeGreaterThan(0);
  });
});

describe('metrics name the metric, the target, its index and the class count (item 1)', () => {
  const rows = tensor([[1, 0, 0, 0], [0, 1, 0, 0]]);
  const classes = (name: string, target: number, index: number): string =>
    `${name}: target ${target} at index ${index} is not one of the 4 classes 0..3 of predictions [2, 4] — are the labels 1-based, or does the output layer have too few units?`;
  const update = (make: (context: typeof logits) => { update(p: Tensor, t: Tensor): void }, p: unknown, t: unknown) => () => make(logits).update(p as Tensor, t as Tensor);
  const cases: Case[] = [
    ['f1, label 7', update(f1, rows, tensor([0, 7])), classes('f1', 7, 1)],
    ['precision, label -1', update(precision, rows, tensor([-1, 0])), classes('precision', -1, 0)],
    ['recall, label 1.5', update(recall, rows, tensor([0, 1.5])), classes('recall', 1.5, 1)],
    ['confusionMatrix, label 4', update(confusionMatrix, rows, tensor([4, 0])), classes('confusionMatrix', 4, 0)],
    ['accuracy, label 7 (once a silent miss)', update(accuracy, rows, tensor([0, 7])), classes('accuracy', 7, 1)],
    ['accuracy, binary label 2', update(accuracy, tensor([[1], [0]]), tensor([[2], [0]])), 'accuracy: target 2 at index 0 is not a label of the 2 classes of one output per example; the targets must be 0/1 (or -1/+1, or probabilities in [0, 1])'],
    ['f1, one-hot rows of another width', update(f1, rows, tensor([[1, 0, 0], [0, 1, 0]])), 'f1: targets [2, 3] fit neither layout for predictions [2, 4] of 4 classes: pass class indices [2] or one-hot rows [2, 4]'],
    ['f1, one-hot value 3', update(f1, rows, tensor([[1, 0, 0, 0], [0, 3, 0, 0]])), 'f1: target 3 at index 5 (row 1) is outside [0, 1]; one-hot (or soft) targets of 4 classes must be probabilities'],
    ['accuracy, another number of examples', update(accuracy, rows, tensor([0, 1, 2])), 'accuracy: predictions [2, 4] are 2 examples but targets [3] are 3; pass one target per example'],
    ['accuracy, predictions not a tensor', update(accuracy, [[1, 0]], tensor([0])), "accuracy.update(predictions, targets): predictions must be a Tensor (the model's outputs), got an array of 1"],
    ['mae, targets not a tensor', () => mae().update(tensor([1]), 5 as never), 'mae.update(predictions, targets): targets must be a Tensor, got the number 5'],
    ['accuracy without a context', () => accuracy(undefined as never), "accuracy(context) must be { predictions: 'logits' | 'probabilities' | 'real' } (what the model outputs), got undefined"],
    ["f1 with predictions 'logit'", () => f1({ predictions: 'logit' } as never), "f1(context) must be { predictions: 'logits' | 'probabilities' | 'real' } (what the model outputs), got { predictions: the string 'logit' }"],
    ['perClassScores of null', () => perClassScores(null as never), 'perClassScores(matrix) must be a square matrix of counts (rows actual, columns predicted, as confusionMatrix gives), got null'],
    ['perClassScores of a ragged matrix', () => perClassScores([[1, 2]]), 'perClassScores(matrix) must be a square matrix of counts (rows actual, columns predicted, as confusionMatrix gives), row 0 is an array of 2 of a 1-row matrix'],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(thrown(fn), expected));

  it('signed -1/+1 labels and soft one-hot rows still count', () => {
    const signed = accuracy({ predictions: 'real' });
    signed.update(tensor([[0.9], [0.1]]), tensor([[1], [-1]]));
    expect(signed.result()).toBe(1);
    const soft = accuracy(logits);
    soft.update(tensor([[2, 1], [0, 3]]), tensor([[0.8, 0.2], [0.3, 0.7]]));
    expect(soft.result()).toBe(1);
  });
});

describe('fit with an aborted signal takes no step (item 2)', () => {
  it('returns at once like an abort mid-run: no step, no epoch, the weights untouched', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry).build();
    const before = weightsOf(model);
    const controller = new AbortController();
    controller.abort();
    const hooks: string[] = [];
    const recorder: Callback = {
      name: 'recorder',
      onTrainBegin: () => void hooks.push('trainBegin'),
      onEpochBegin: () => void hooks.push('epochBegin'),
      onBatchEnd: () => void hooks.push('batchEnd'),
      onTrainEnd: () => void hooks.push('trainEnd'),
    };
    const { steps, history } = await fit(model, xorData(), { ...base, registry, epochs: 3, batchSize: 1, callbacks: [recorder], signal: controller.signal });
    expect({ steps, epochs: history.epochs.length, hooks }).toEqual({ steps: 0, epochs: 0, hooks: ['trainBegin', 'trainEnd'] });
    expect(weightsOf(model)).toEqual(before);
  });

  it('a signal aborted by onEpochBegin stops before the epoch takes a step', async () => {
    const registry = freshRegistry();
    const controller = new AbortController();
    const abortAtEpoch2: Callback = { name: 'abort', onEpochBegin: (epoch) => (epoch === 1 ? controller.abort() : undefined) };
    const { steps, history } = await fit(xorModel(1, registry), xorData(), { ...base, registry, epochs: 3, batchSize: 2, callbacks: [abortAtEpoch2], signal: controller.signal });
    expect({ steps, epochs: history.epochs.length }).toEqual({ steps: 2, epochs: 1 });
  });
});

describe('fit and evaluate on a data set that is not an ArrayDataset (item 3)', () => {
  it('train as on the ArrayDataset itself when the model declares its input shape', async () => {
    const options = { ...base, epochs: 3, batchSize: 2, seed: 4 };
    const registry = freshRegistry();
    const direct = xorModel(1, registry);
    await fit(direct, xorData(), { ...options, registry });
    const viaMap = xorModel(1, registry);
    await fit(viaMap, map(xorData(), (e) => e), { ...options, registry, validation: map(xorData(), (e) => e) });
    expect(weightsOf(viaMap)).toEqual(weightsOf(direct));
    expect(evaluate(viaMap, map(xorData(), (e) => e), { loss: 'binaryCrossEntropyWithLogits' })).toEqual(evaluate(direct, xorData(), { loss: 'binaryCrossEntropyWithLogits' }));
  });

  it('without a declared input shape, say what fit needs and how to get it', async () => {
    const registry = freshRegistry();
    const undeclared = new Sequential([new Dense({ units: 1 })], { seed: 1, registry });
    const error = await rejected(fit(undeclared, map(xorData(), (e) => e), { ...base, registry }));
    expect(error.message).toBe(
      'fit: the training data is not an ArrayDataset (nor a take/skip/filter/split of one), so the shape of its examples is unknown and the model declares none: ' +
        "declare the model's input shape (new Sequential([...], { inputShape: [784] })), or build an ArrayDataset from the examples " +
        '(new ArrayDataset(features, featureShape, targets, targetShape))',
    );
  });

  it('an example of another size is named, not batched into the wrong rows', async () => {
    const registry = freshRegistry();
    const wide = map(xorData(), (e, i) => (i === 2 ? { x: Float32Array.of(1, 2, 3), y: e.y } : e));
    const error = await rejected(fit(xorModel(1, registry), wide, { ...base, registry, batchSize: 4, shuffle: false }));
    expect(error.message).toBe('DataLoader: example 2 of the data set has 3 feature values, but examples of shape [2] have 2: every example must have the same shape');
  });
});

describe('fit: every argument is checked before the first step (items 4 and the sweep)', () => {
  const notLogged = { id: 'nope' };
  const cases: readonly (readonly [string, (registry: Registry) => [unknown, unknown, Record<string, unknown>], string | RegExp])[] = [
    ['model {}', (r) => [{}, xorData(), { registry: r }], 'fit: model must be a Module such as a Sequential (an object with apply(), parameters(), train(), eval()), got an empty object; it has no apply(), parameters(), train(), eval()'],
    ['model null', (r) => [null, xorData(), { registry: r }], 'fit: model must be a Module such as a Sequential (an object with apply(), parameters(), train(), eval()), got null'],
    ['data of length NaN', (r) => [xorModel(1, r), { length: NaN, get: () => undefined }, { registry: r }], 'fit: the training data must be a Dataset (an object with length and get(i), such as an ArrayDataset), got an object with keys length, get (its length is NaN, not a whole number of examples)'],
    ['validation 5', (r) => [xorModel(1, r), xorData(), { registry: r, validation: 5 }], 'fit: validation must be a Dataset (an object with length and get(i), such as an ArrayDataset), got the number 5'],
    ['callbacks [null]', (r) => [xorModel(1, r), xorData(), { registry: r, callbacks: [null] }], "fit: callbacks[0] is null; expected a callback object with any of onTrainBegin, onEpochBegin, onBatchEnd, onEpochEnd, onTrainEnd (such as progress() or earlyStopping()), a callback id such as 'progress', or { id, ...config }"],
    ['callbacks 5', (r) => [xorModel(1, r), xorData(), { registry: r, callbacks: 5 }], "fit: callbacks is 5; expected an array of callbacks, e.g. [progress()] or ['progress']"],
    ['a callback factory not called', (r) => [xorModel(1, r), xorData(), { registry: r, callbacks: [earlyStopping] }], 'fit: callbacks[0] is a function; call it to make the callback (e.g. earlyStopping({ patience: 3 }), not earlyStopping)'],
    ['a callback without hooks', (r) => [xorModel(1, r), xorData(), { registry: r, callbacks: [{ name: 'mine' }] }], /^fit: callbacks\[0\] is an object with keys name, which has no hook, so it would do nothing; expected a callback object/],
    ['a hook that is not a function', (r) => [xorModel(1, r), xorData(), { registry: r, callbacks: [{ name: 'mine', onEpochEnd: 5 }] }], 'fit: callbacks[0]: onEpochEnd must be a function, got the number 5'],
    ['an unknown callback id', (r) => [xorModel(1, r), xorData(), { registry: r, callbacks: [notLogged] }], /callback 'nope'/],
    ['loss 5', (r) => [xorModel(1, r), xorData(), { registry: r, loss: 5 }], "fit: loss is the number 5; expected a loss id such as 'sparseSoftmaxCrossEntropy', { id, ...config } or a loss function (predictions, targets) => scalar Tensor"],
    ['a loss returning a number', (r) => [xorModel(1, r), xorData(), { registry: r, loss: () => 1 }], "fit: the loss function passed as loss returned the number 1; it must return the batch's loss as a scalar Tensor (reduce per-example losses with mean(...), e.g. (p, t) => mean(square(sub(p, t))))"],
    ['a loss returning per-example values', (r) => [xorModel(1, r), xorData(), { registry: r, loss: (p: Tensor) => p }], /^fit: the loss function passed as loss returned a Tensor of shape \[4, 1\]; it must return the batch's loss as a scalar Tensor/],
    ['optimizer 5', (r) => [xorModel(1, r), xorData(), { registry: r, optimizer: 5 }], "fit: optimizer is the number 5; expected an optimizer id such as 'adam', { id, lr, ... } or a GradientTransformation ({ init, update })"],
    ['optimizer {}', (r) => [xorModel(1, r), xorData(), { registry: r, optimizer: {} }], "fit: optimizer is an empty object; expected an optimizer id such as 'adam', { id, lr, ... } or a GradientTransformation ({ init, update })"],
    ['metrics [null]', (r) => [xorModel(1, r), xorData(), { registry: r, metrics: [null] }], "fit: metrics[0] is null; expected a metric id such as 'accuracy' or a Metric object { name, reset(), update(predictions, targets), result() }"],
    ["metrics 'accuracy'", (r) => [xorModel(1, r), xorData(), { registry: r, metrics: 'accuracy' }], "fit: metrics is 'accuracy'; expected an array of metric ids or Metric objects, e.g. ['accuracy']"],
    ['registry 5', (r) => [xorModel(1, r), xorData(), { registry: 5 }], 'fit: registry is 5; expected a Registry (from @keel/registry)'],
    ["signal 'stop'", (r) => [xorModel(1, r), xorData(), { registry: r, signal: 'stop' }], "fit: signal is 'stop'; expected an AbortSignal (e.g. new AbortController().signal)"],
    ['seed 2^32 (it would be folded onto seed 0)', (r) => [xorModel(1, r), xorData(), { registry: r, seed: 2 ** 32 }], 'fit: seed is 4294967296; expected an integer from 0 to 4294967295'],
  ];
  it.each(cases)('%s', async (_, make, expected) => {
    const registry = freshRegistry();
    const [model, data, options] = make(registry);
    const error = await rejected(fit(model as Sequential, data as Dataset<Example>, { ...base, ...options }));
    expectMessage(error, expected);
  });

  it('callbacks by id, with config, are made from the registry', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry).build();
    const before = weightsOf(model);
    // a learning rate of 0 every step leaves the weights as they were
    const { history } = await fit(model, xorData(), { ...base, registry, epochs: 2, callbacks: [{ id: 'learningRateScheduler', schedule: () => 0 }, 'terminateOnNaN'] });
    expect(weightsOf(model)).toEqual(before);
    expect(history.epochs.map((e) => e.lr)).toEqual([0, 0]);
  });
});

describe('evaluate and predict check the model and their inputs (item 4 and the sweep)', () => {
  const evaluateCases: readonly (readonly [string, (registry: Registry) => [unknown, unknown, Record<string, unknown>], string | RegExp])[] = [
    ['model {}', () => [{}, xorData(), { loss: 'binaryCrossEntropyWithLogits' }], 'evaluate: model must be a Module such as a Sequential (an object with apply(), eval()), got an empty object; it has no apply(), eval()'],
    ['a data set as the model', () => [xorData(), xorData(), { loss: 'binaryCrossEntropyWithLogits' }], 'evaluate: model must be a Module such as a Sequential (an object with apply(), eval()), got an ArrayDataset; it has no apply(), eval()'],
    ['model undefined', () => [undefined, xorData(), { loss: 'binaryCrossEntropyWithLogits' }], 'evaluate: model must be a Module such as a Sequential (an object with apply(), eval()), got undefined'],
    ['a loss returning a number', (r) => [xorModel(1, r), xorData(), { loss: () => 1 }], /^evaluate: the loss function passed as loss returned the number 1; it must return the batch's loss as a scalar Tensor/],
    ['loss null', (r) => [xorModel(1, r), xorData(), { loss: null }], /^evaluate: loss is null; expected a loss id/],
    ['metrics [5]', (r) => [xorModel(1, r), xorData(), { loss: 'binaryCrossEntropyWithLogits', metrics: [5] }], "evaluate: metrics[0] is the number 5; expected a metric id such as 'accuracy' or a Metric object { name, reset(), update(predictions, targets), result() }"],
    ['a metric factory not called', (r) => [xorModel(1, r), xorData(), { loss: 'binaryCrossEntropyWithLogits', metrics: [accuracy] }], /^evaluate: metrics\[0\] is a function; call it to make the metric, e.g. accuracy\(\{ predictions: 'logits' \}\); expected/],
    ["registry 'default'", (r) => [xorModel(1, r), xorData(), { loss: 'binaryCrossEntropyWithLogits', registry: 'default' }], "evaluate: registry is 'default'; expected a Registry (from @keel/registry)"],
    ['a generic set for a model of no declared shape', (r) => [new Sequential([new Dense({ units: 1 })], { seed: 1, registry: r }), map(xorData(), (e) => e), { loss: 'binaryCrossEntropyWithLogits' }], /^evaluate: the data is not an ArrayDataset \(nor a take\/skip\/filter\/split of one\)/],
  ];
  it.each(evaluateCases)('evaluate: %s', (_, make, expected) => {
    const [model, data, options] = make(freshRegistry());
    expectMessage(thrown(() => evaluate(model as Sequential, data as Dataset<Example>, options)), expected);
  });

  const tensorLike = { shape: [1, 2], values: Float32Array.of(0, 1) };
  const predictCases: readonly (readonly [string, unknown, unknown, string | RegExp])[] = [
    ['model {}', {}, tensor([[0, 1]]), 'predict: model must be a Module such as a Sequential (an object with apply(), eval()), got an empty object; it has no apply(), eval()'],
    [
      'a hand-built Tensor-like object',
      'model',
      tensorLike,
      "predict: x must be a Tensor of inputs with the examples along the first axis ([examples, ...features]), got an object with keys shape, values that is not a Tensor of this @keel/tensor (built by hand, or by another copy of the package): make one with tensor([[0, 1], [1, 0]]) or Tensor.fromValues(values, shape, 'float32')",
    ],
    ['a scalar', 'model', tensor(3), 'predict: x must be a Tensor of inputs with the examples along the first axis ([examples, ...features]), got a scalar (shape []); e.g. tensor([[0, 1]]) for one example of 2 features'],
    ['one example without its batch axis', 'model', tensor([0, 1]), 'predict: x must be a Tensor of inputs with the examples along the first axis ([examples, ...features]), got shape [2], the shape of one example: add the batch axis, reshape(x, [1, 2])'],
    ['rank 1 of another length', 'model', tensor([0, 1, 1]), 'predict: x must be a Tensor of inputs with the examples along the first axis ([examples, ...features]), got shape [3]; the model takes examples of shape [2], so x must be [examples, 2]'],
    ['examples of another width', 'model', tensor([[0, 1, 1]]), /^predict: the model takes examples of shape \[2\] \(its declared inputShape\), but the examples of x have shape \[3\]/],
    ['a null batch size', 'model', tensor([[0, 1]]), 'predict: batchSize must be a whole number >= 1, got null (e.g. batchSize: 32)'],
  ];
  it.each(predictCases)('predict: %s', (name, model, x, expected) => {
    const options = name === 'a null batch size' ? null : undefined;
    const given = model === 'model' ? xorModel(1, freshRegistry()) : model;
    expectMessage(thrown(() => predict(given as Sequential, x as Tensor, options as never)), expected);
  });
});

describe('callback factories check their options when made (the sweep)', () => {
  const cases: Case[] = [
    ['earlyStopping patience -1', () => earlyStopping({ patience: -1 }), 'earlyStopping: patience is -1; expected an integer >= 0'],
    ['earlyStopping minDelta -0.1 (once silently made positive)', () => earlyStopping({ minDelta: -0.1 }), 'earlyStopping: minDelta is -0.1; expected a number >= 0'],
    ['earlyStopping a typo', () => earlyStopping({ monitr: 'loss' } as never), /^earlyStopping: has no option 'monitr'; did you mean 'monitor'\?/],
    ['earlyStopping a string', () => earlyStopping('val_loss' as never), "earlyStopping: the options are 'val_loss'; expected an object of options"],
    ['reduceLROnPlateau factor 2', () => reduceLROnPlateau({ factor: 2 }), 'reduceLROnPlateau: factor is 2; expected a number between 0 and 1 (exclusive)'],
    ['progress sink 5', () => progress({ sink: 5 as never }), 'progress: sink is 5; expected an object with write(text), such as process.stdout'],
    ['learningRateScheduler 0.1', () => learningRateScheduler(0.1 as never), 'learningRateScheduler(schedule) must be a function (epoch, step) => learning rate, got the number 0.1'],
    ['modelCheckpoint without dir', () => modelCheckpoint({} as never), "modelCheckpoint: dir is missing; expected the model directory's path, a string"],
    ['csvLogger without a path', () => csvLogger(undefined as never), 'csvLogger(path) must be the path of the file to write, a string, got undefined'],
  ];
  it.each(cases)('%s', (_, fn, expected) => expectMessage(thrown(fn), expected));

  it('reduceLROnPlateau watching a value that is not logged is an error, as in earlyStopping', async () => {
    const registry = freshRegistry();
    const error = await rejected(fit(xorModel(1, registry), xorData(), { ...base, registry, callbacks: [reduceLROnPlateau({ monitor: 'val_acc' })] }));
    expect(error.message).toBe("reduceLROnPlateau: 'val_acc' is not logged; logged: loss, accuracy, lr, seconds");
  });
});

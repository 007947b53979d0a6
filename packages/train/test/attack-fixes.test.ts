import { ArrayDataset } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { Tensor, tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { evaluate, fit, NonFiniteOutputError, predict, type FitOptions } from '../src/index.js';
import { freshRegistry, rejected, thrown, xorData, xorModel } from './helpers.js';

const base = { loss: 'binaryCrossEntropyWithLogits', optimizer: { id: 'sgd', lr: 0.1 } } as const;
const xorInputs = (): Tensor => tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);

function setParameter(model: Sequential, name: string, fill: (i: number) => number): void {
  const p = model.parameters().get(name)!;
  p.assign(Tensor.fromValues(Float32Array.from({ length: p.size }, (_, i) => fill(i)), [...p.shape], 'float32'));
}

/** A 2-8-1 relu model whose finite weights overflow float32: dense_1/bias 3e38, then eight 3e38s summed by dense_2. */
function overflowingModel(): Sequential {
  const model = xorModel(1, freshRegistry(), 'relu').build();
  setParameter(model, 'dense_1/bias', () => 3e38);
  setParameter(model, 'dense_2/kernel', () => 1);
  return model;
}

describe('evaluate and predict never return NaN or Infinity silently (attack item 3)', () => {
  it('evaluate on finite weights that overflow names the example, the layer and the cause', () => {
    const error = thrown(() => evaluate(overflowingModel(), xorData(), { loss: 'binaryCrossEntropyWithLogits' }));
    expect(error).toBeInstanceOf(NonFiniteOutputError);
    expect(error).toMatchObject({ kind: 'outputs', example: 0, layer: 'dense_2' });
    expect(error.message).toBe(
      "evaluate: the model's output for example 0 is Infinity; the first non-finite value comes from layer 'dense_2' (dense) made it from finite inputs " +
        'and finite weights (its largest weight is dense_2/kernel = 1.00, its largest input 3.00e+38): the values overflowed float32 (about ±3.4e38). ' +
        'Weights that large mean a damaged or diverged model (load an earlier checkpoint or retrain); inputs that large mean data not scaled like the training data',
    );
  });

  it('predict on the same model throws instead of returning Infinity', () => {
    const error = thrown(() => predict(overflowingModel(), xorInputs()));
    expect(error).toMatchObject({ name: 'NonFiniteOutputError', kind: 'outputs', example: 0, layer: 'dense_2' });
    expect(error.message).toMatch(/^predict: the model's output for example 0 is Infinity; .*layer 'dense_2' \(dense\)/);
  });

  it('a NaN weight is named with its layer and index', () => {
    const model = xorModel(1, freshRegistry()).build();
    setParameter(model, 'dense_1/kernel', (i) => (i === 5 ? NaN : 0.1));
    const error = thrown(() => predict(model, xorInputs()));
    expect(error).toMatchObject({ kind: 'outputs', layer: 'dense_1' });
    expect(error.message).toContain("layer 'dense_1' (dense): its parameter dense_1/kernel holds NaN at index 5; the model's weights are broken");
  });

  it('non-finite inputs name the example, across predict chunks and evaluate batches', () => {
    const model = xorModel(1, freshRegistry());
    const x = Tensor.fromValues(Float32Array.from([0, 0, 0, 1, 1, 0, 1, NaN, 0, 0]), [5, 2], 'float32');
    const fromPredict = thrown(() => predict(model, x, { batchSize: 2 }));
    expect(fromPredict).toMatchObject({ kind: 'inputs', example: 3 });
    expect(fromPredict.message).toBe(
      "predict: the inputs of example 3 hold NaN, so the model's outputs are not finite: remove or repair the examples with NaN or infinite features before evaluating or predicting",
    );
    const data = new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, 1, NaN]), [2], Float32Array.from([0, 1, 1, 0]), [1]);
    const fromEvaluate = thrown(() => evaluate(model, data, { loss: 'binaryCrossEntropyWithLogits', batchSize: 3 }));
    expect(fromEvaluate).toMatchObject({ kind: 'inputs', example: 3 });
  });

  it('non-finite targets and a non-finite loss over finite outputs are errors too', () => {
    const model = xorModel(1, freshRegistry());
    const badTargets = new ArrayDataset(Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [2], Float32Array.from([0, NaN, 1, 0]), [1]);
    const targets = thrown(() => evaluate(model, badTargets, { metrics: ['accuracy'], predictions: 'logits' }));
    expect(targets.message).toBe("evaluate: the targets of example 1 hold NaN: repair or remove that example's label");
    const infiniteLoss = (): Tensor => Tensor.fromValues(Float32Array.of(Infinity), [], 'float32');
    const loss = thrown(() => evaluate(model, xorData(), { loss: infiniteLoss, metrics: [], batchSize: 2 }));
    expect(loss).toMatchObject({ kind: 'loss', example: 0 });
    expect(loss.message).toMatch(/^evaluate: the loss is Infinity on examples 0–1 although the model's outputs and the targets are finite/);
  });

  it('finite models still evaluate and predict as before', () => {
    const model = xorModel(1, freshRegistry());
    expect(predict(model, xorInputs(), 2).shape).toEqual([4, 1]);
    expect(Number.isFinite(evaluate(model, xorData(), { loss: 'binaryCrossEntropyWithLogits' }).loss)).toBe(true);
  });
});

describe('fit, evaluate and predict options (attack item 9)', () => {
  async function fitError(options: Record<string, unknown>): Promise<Error> {
    const registry = freshRegistry();
    return rejected(fit(xorModel(1, registry), xorData(), { ...base, registry, ...options }));
  }

  it('an unknown fit option is an error with the nearest name, not a silent default', async () => {
    const epoch = await fitError({ epoch: 5 });
    expect(epoch.name).toBe('OptionsError');
    expect(epoch.message).toMatch(/^fit: has no option 'epoch'; did you mean 'epochs'\? valid options: loss, optimizer, epochs, batchSize, shuffle, seed,/);
    expect((await fitError({ batchsize: 1 })).message).toContain("did you mean 'batchSize'?");
  });

  it.each([['no'], [1], [null]])('shuffle %j is an error (it once meant true)', async (shuffle) => {
    expect((await fitError({ shuffle })).message).toMatch(/^fit: shuffle is .*; expected true or false$/);
  });

  it.each([[NaN], ['abc'], [1.5], [-1], [2 ** 60], [2 ** 32]])('seed %j is an error', async (seed) => {
    expect((await fitError({ seed })).message).toMatch(/^fit: seed is .*; expected an integer from 0 to 4294967295$/);
  });

  it('fit without options, or without a loss, says what to pass', async () => {
    const registry = freshRegistry();
    const none = await rejected(fit(xorModel(1, registry), xorData(), undefined as unknown as FitOptions));
    expect(none.message).toMatch(/^fit: the options are missing; pass at least a loss and an optimizer/);
    expect((await fitError({ loss: undefined })).message).toMatch(/^fit: loss is missing; expected a loss id/);
  });

  it('evaluate with no options asks for a loss or metrics (no raw TypeError); unknown keys get a did-you-mean', () => {
    const model = xorModel(1, freshRegistry());
    expect(thrown(() => evaluate(model, xorData())).message).toMatch(/^evaluate: nothing to compute: pass a loss/);
    expect(thrown(() => evaluate(model, xorData(), { loss: 'binaryCrossEntropyWithLogits', metric: ['accuracy'] } as never)).message).toContain(
      "evaluate: has no option 'metric'; did you mean 'metrics'?",
    );
    expect(thrown(() => evaluate(model, xorData(), { metrics: ['accuracy'], predictions: 'logit' } as never)).message).toBe(
      "evaluate: predictions is 'logit'; expected 'logits', 'probabilities' or 'real' (did you mean 'logits'?)",
    );
  });

  it('predict takes a batch size or { batchSize }, and rejects unknown keys', () => {
    const model = xorModel(1, freshRegistry());
    const whole = predict(model, xorInputs()).toArray();
    expect(predict(model, xorInputs(), { batchSize: 3 }).toArray()).toEqual(whole);
    expect(thrown(() => predict(model, xorInputs(), { batchsize: 3 } as never)).message).toContain("predict: has no option 'batchsize'; did you mean 'batchSize'?");
  });
});

describe('a model for one input shape given data of another is an error naming both (attack item 9)', () => {
  const wide = (): ArrayDataset => new ArrayDataset(new Float32Array(12).fill(0.5), [3], Float32Array.from([0, 1, 1, 0]), [1]);

  it('fit refuses data that does not match the declared inputShape, and leaves the model unbuilt', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    const error = await rejected(fit(model, wide(), { ...base, registry }));
    expect(error.message).toBe(
      'fit: the model takes examples of shape [2] (its declared inputShape), but the examples of the training data have shape [3]: ' +
        'pass data of shape [2], or declare inputShape: [3] (a model for another input shape is a new model)',
    );
    expect(model.built).toBe(false);
  });

  it('an undeclared model still builds from the data', async () => {
    const registry = freshRegistry();
    const model = new Sequential([new Dense({ units: 4, activation: 'tanh' }), new Dense({ units: 1 })], { seed: 1, registry });
    await fit(model, wide(), { ...base, registry, epochs: 1 });
    expect(model.parameters().get('dense_1/kernel')!.shape).toEqual([3, 4]);
  });

  it('a built model refuses other shapes in fit, evaluate and predict', async () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry).build();
    const built = 'the model takes examples of shape [2] (it was built for that shape)';
    expect((await rejected(fit(model, wide(), { ...base, registry }))).message).toContain(`fit: ${built}, but the examples of the training data have shape [3]`);
    expect(thrown(() => evaluate(model, wide(), { loss: 'binaryCrossEntropyWithLogits' })).message).toContain(`evaluate: ${built}, but the examples of the data have shape [3]`);
    expect(thrown(() => predict(model, tensor([[1, 2, 3]]))).message).toContain(`predict: ${built}, but the examples of x have shape [3]`);
  });
});

import { Registry, defaultRegistry, definePlugin, type IdOf } from '@keel/registry';
import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { VERSION, createLoss, huber, lossesPlugin, meanSquaredError, softmaxCrossEntropy, type LossFn } from '../src/index.js';
import { f64 } from './helpers.js';

// A plugin's ids type-check once its author declares them (see @keel/registry's README).
declare module '@keel/registry' {
  interface RegisteredIds {
    'loss:acme/mse': true;
  }
}

function installed(): Registry {
  const registry = new Registry();
  registry.use(lossesPlugin);
  return registry;
}

describe('lossesPlugin', () => {
  it('registers every loss under a plain id, with its metadata', () => {
    const registry = installed();
    expect(registry.list('loss')).toEqual([
      'binaryCrossEntropy',
      'binaryCrossEntropyWithLogits',
      'hinge',
      'huber',
      'klDivergence',
      'meanAbsoluteError',
      'meanSquaredError',
      'softmaxCrossEntropy',
      'sparseSoftmaxCrossEntropy',
    ]);
    expect(registry.describe('loss', 'huber').plugin).toEqual({ name: '@keel/losses', version: VERSION });
    const table = Object.fromEntries(registry.list('loss').map((id) => [id, [registry.resolve('loss', id).expects, registry.resolve('loss', id).targets]]));
    expect(table).toEqual({
      binaryCrossEntropy: ['probabilities', 'binary'],
      binaryCrossEntropyWithLogits: ['logits', 'binary'],
      hinge: ['real', 'binary'],
      huber: ['real', 'real'],
      klDivergence: ['probabilities', 'oneHot'],
      meanAbsoluteError: ['real', 'real'],
      meanSquaredError: ['real', 'real'],
      softmaxCrossEntropy: ['logits', 'oneHot'],
      sparseSoftmaxCrossEntropy: ['logits', 'index'],
    });
  });

  it('is not installed just by importing the package', () => {
    expect(defaultRegistry.has('loss', 'meanSquaredError')).toBe(false);
  });

  it('gives the expected initial loss: ln K for softmax cross-entropy, ln 2 for binary', () => {
    const registry = installed();
    expect(registry.get('loss', 'softmaxCrossEntropy').expectedInitialLoss?.(10)).toBeCloseTo(Math.log(10), 14);
    expect(registry.get('loss', 'sparseSoftmaxCrossEntropy').expectedInitialLoss?.(10)).toBeCloseTo(2.302585092994046, 14);
    expect(registry.get('loss', 'binaryCrossEntropyWithLogits').expectedInitialLoss?.(2)).toBeCloseTo(Math.LN2, 14);
    expect(registry.get('loss', 'meanSquaredError').expectedInitialLoss).toBeUndefined();
    // Uniform logits really do give ln K.
    const uniform = softmaxCrossEntropy(tensor([[0, 0, 0, 0]]), tensor([[0, 1, 0, 0]])).item();
    expect(uniform).toBeCloseTo(Math.log(4), 6);
  });

  it('creates losses from config objects, the reduction becoming the default', () => {
    const registry = installed();
    const p = f64([[0.5, 4], [2, -1]]);
    const t = f64([[1, 1], [0, 0]]);
    expect(createLoss(registry, 'huber', { delta: 2.5 })(p, t).item()).toBe(huber(2.5)(p, t).item());
    const summed = createLoss(registry, 'meanSquaredError', { reduction: 'sum' });
    expect(summed(p, t).item()).toBe(meanSquaredError(p, t, { reduction: 'sum' }).item());
    expect(summed(p, t, { reduction: 'mean' }).item()).toBe(meanSquaredError(p, t).item());
    expect(() => createLoss(registry, 'huber', { delta: '2' })).toThrow("loss 'huber': delta is '2'; expected a number > 0");
    expect(() => createLoss(registry, 'hinge', { reduction: 'avg' })).toThrow("loss 'hinge': reduction is 'avg'; expected 'mean', 'sum' or 'none'");
    // @ts-expect-error -- a typo is a compile error; the run-time error is tested here
    expect(() => createLoss(registry, 'meanSquaredEror')).toThrow("did you mean 'meanSquaredError'?");
  });

  it('rejects an option the loss does not have, with the nearest one, before building it', () => {
    const registry = installed();
    expect(() => createLoss(registry, 'meanSquaredError', { reducton: 'sum' })).toThrow(
      "loss 'meanSquaredError': has no option 'reducton'; did you mean 'reduction'? valid options: reduction",
    );
    expect(() => createLoss(registry, 'sparseSoftmaxCrossEntropy', { delta: 1 })).toThrow("has no option 'delta'");
    for (const listed of registry.list('loss')) {
      const id = registry.idOf('loss', listed);
      expect(() => createLoss(registry, id, { reduction: 'sum', typo: 1 }), id).toThrow(`loss '${id}': has no option 'typo'`);
      expect(createLoss(registry, id, { reduction: 'sum' }), id).toBeTypeOf('function');
    }
  });

  it('types its ids: IdOf<"loss"> includes them', () => {
    const id: IdOf<'loss'> = 'sparseSoftmaxCrossEntropy';
    expect(installed().get('loss', id).targets).toBe('index');
  });

  it("creates a third party's loss by its namespaced id the same way", () => {
    const registry = installed();
    const doubled: LossFn = (p, t, options) => meanSquaredError(p, t, options);
    registry.use(
      definePlugin({
        name: '@acme/keel-losses',
        version: '1.0.0',
        provides: { loss: [{ id: 'acme/mse', description: 'mse again', expects: 'real', targets: 'real', create: () => doubled }] },
      }),
    );
    expect(createLoss(registry, 'acme/mse')(f64([1]), f64([3])).item()).toBe(4);
  });
});

// ±Infinity in the features is refused like NaN (attack pass 3, D2): a tanh layer saturates
// Infinity into a finite output, so checking only the outputs let evaluate return a score.
import { ArrayDataset } from '@keel/data';
import { Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { evaluate, NonFiniteOutputError, predict } from '../src/index.js';
import { freshRegistry, thrown, xorModel } from './helpers.js';

const features = (bad: number): Float32Array => Float32Array.from([0, 0, 0, 1, 1, 0, 1, bad]);

describe('infinite input features are an error naming the example (D2)', () => {
  for (const bad of [Infinity, -Infinity]) {
    it(`evaluate refuses ${bad} with the error NaN gets, though the tanh model's outputs stay finite`, () => {
      const model = xorModel(1, freshRegistry());
      const data = new ArrayDataset(features(bad), [2], Float32Array.from([0, 1, 1, 0]), [1]);
      const error = thrown(() => evaluate(model, data, { loss: 'binaryCrossEntropyWithLogits', batchSize: 3 }));
      expect(error).toBeInstanceOf(NonFiniteOutputError);
      expect(error).toMatchObject({ kind: 'inputs', example: 3 });
      expect(error.message).toBe(
        `evaluate: the inputs of example 3 hold ${bad}, so the model's outputs are not finite: remove or repair the examples with NaN or infinite features before evaluating or predicting`,
      );
    });

    it(`predict refuses a tensor holding ${bad}, across chunks`, () => {
      const model = xorModel(1, freshRegistry());
      const error = thrown(() => predict(model, Tensor.fromValues(features(bad), [4, 2], 'float32'), { batchSize: 2 }));
      expect(error).toMatchObject({ name: 'NonFiniteOutputError', kind: 'inputs', example: 3 });
    });
  }
});

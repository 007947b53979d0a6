// Loading a model rejects NaN and ±Infinity in its weights and in its optimizer state.
import { Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { deserializeModel, ModelFileError, serializeModel } from '../src/index.js';
import { freshRegistry, xorModel } from './helpers.js';

function withValues(t: Tensor, changes: Record<number, number>): Tensor {
  const values = t.values.slice();
  for (const [i, v] of Object.entries(changes)) values[Number(i)] = v;
  return Tensor.fromValues(values, t.shape, t.dtype);
}

function loadError(files: Record<string, Uint8Array>): ModelFileError {
  const registry = freshRegistry();
  try {
    deserializeModel(files, registry, { source: 'models/xor' });
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error('the model loaded');
}

describe('loading rejects non-finite values', () => {
  it('a NaN weight: names the file, the tensor, the first index and the count', () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    model.build();
    const kernel = model.parameters().get('dense_2/kernel')!;
    kernel.assign(withValues(kernel, { 3: NaN, 5: -Infinity, 6: NaN }));
    const { files } = serializeModel(model);
    expect(loadError(files).message).toBe(
      'models/xor/weights.safetensors: dense_2/kernel has a non-finite value NaN at index 3 (of 3 such values); the model was saved after training diverged or the file was damaged',
    );
  });

  it('+Infinity in the saved momentum, as a tensor or a typed array', () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    model.build();
    const kernel = model.parameters().get('dense_1/kernel')!;
    const momentum = withValues(Tensor.fromValues(new Float32Array(kernel.size), kernel.shape, kernel.dtype), { 7: Infinity });
    const tensorState = serializeModel(model, { optimizer: { id: 'sgd', state: [{ trace: { 'dense_1/kernel': momentum } }, { count: 4 }] } });
    expect(loadError(tensorState.files).message).toBe(
      'models/xor/optimizer.safetensors: state.0.trace.dense_1/kernel has a non-finite value Infinity at index 7 (of 1 such values); the model was saved after training diverged or the file was damaged',
    );
    const arrayState = serializeModel(model, { optimizer: { id: 'custom', state: { velocity: Float64Array.from([0, 1, -Infinity]) } } });
    expect(loadError(arrayState.files).message).toContain('models/xor/optimizer.safetensors: state.velocity has a non-finite value -Infinity at index 2 (of 1 such values)');
  });

  it('non-finite numbers in the state JSON stay allowed (some are infinite by design)', () => {
    const registry = freshRegistry();
    const model = xorModel(1, registry);
    model.build();
    const { files } = serializeModel(model, { optimizer: { id: 'sgd', state: { best: Infinity } } });
    expect(deserializeModel(files, registry).optimizer?.state).toEqual({ best: Infinity });
  });
});

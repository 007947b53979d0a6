import { BatchNorm, Conv2D, Dense, Dropout, Flatten, installLayers, MaxPool2D, modelConfig, ModelConfigError, Sequential } from '@keel/layers';
import { definePlugin, Registry } from '@keel/registry';
import { mul, randn, sigmoid, Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  BUNDLE_OPTIMIZER_PREFIX,
  decodeSafetensors,
  deserializeModel,
  encodeModelBundle,
  encodeSafetensors,
  loadModelFromBundle,
  modelBundleFileName,
  modelDownloadBlob,
  ModelFileError,
  serializeModel,
  type SaveExtras,
  type TensorData,
} from '../src/save/index.js';
import { VERSION } from '../src/version.js';

declare module '@keel/registry' {
  interface RegisteredIds {
    'activation:acme/swish': true;
  }
}

function freshRegistry(): Registry {
  const registry = new Registry({ name: 'test' });
  installLayers(registry);
  return registry;
}

/** Dense → BatchNorm (two buffers) → Dropout → Dense, "trained" so nothing is at its initial value. */
function trainedModel(registry: Registry, options: { dtype?: 'float32' | 'float64'; units?: number } = {}): Sequential {
  const model = new Sequential(
    [new Dense({ units: options.units ?? 8, activation: 'relu' }), new BatchNorm({ momentum: 0.5 }), new Dropout({ rate: 0.25 }), new Dense({ units: 3 })],
    { inputShape: [5], registry, seed: 11, name: 'classifier', ...(options.dtype === undefined ? {} : { dtype: options.dtype }) },
  );
  model.build();
  const dtype = options.dtype ?? 'float32';
  model.apply(randn([16, 5], { seed: 1, dtype })); // moves the batch-norm running statistics
  let seed = 100;
  for (const t of model.parameters().values()) t.assign(randn([...t.shape], { seed: seed++, dtype }));
  // Values JSON or a careless copy would not keep: -0, a subnormal, the largest float32.
  const bias = model.parameters().get('dense_2/bias')!;
  const special = dtype === 'float64' ? Float64Array.from([-0, 5e-324, 1.7976931348623157e308]) : Float32Array.from([-0, 1e-45, 3.4028234663852886e38]);
  bias.assign(Tensor.fromValues(special, [3], dtype));
  return model;
}

function bytesOf(values: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

/** Every parameter and buffer: same names, dtypes, shapes and bits. */
function expectSameWeights(actual: Sequential, expected: Sequential): void {
  const all = (m: Sequential): Map<string, Tensor> => new Map([...m.parameters(), ...m.buffers()]);
  const a = all(actual);
  const e = all(expected);
  expect([...a.keys()]).toEqual([...e.keys()]);
  for (const [name, t] of e) {
    const got = a.get(name)!;
    expect({ name, dtype: got.dtype, shape: got.shape }).toEqual({ name, dtype: t.dtype, shape: t.shape });
    expect(bytesOf(got.values)).toEqual(bytesOf(t.values));
  }
  expect([...actual.buffers().keys()]).toEqual([...expected.buffers().keys()]);
}

/** Optimizer state, compared bit for bit (tensors, typed arrays, -0 and NaN included). */
function expectSameState(actual: unknown, expected: unknown, path = 'state'): void {
  if (expected instanceof Tensor) {
    expect(actual, path).toBeInstanceOf(Tensor);
    const t = actual as Tensor;
    expect({ path, dtype: t.dtype, shape: t.shape }).toEqual({ path, dtype: expected.dtype, shape: expected.shape });
    expect(bytesOf(t.values)).toEqual(bytesOf(expected.values));
  } else if (expected instanceof Float32Array || expected instanceof Float64Array) {
    expect((actual as object).constructor, path).toBe(expected.constructor);
    expect(bytesOf(actual as Float32Array)).toEqual(bytesOf(expected));
  } else if (expected instanceof Map) {
    expect(actual, path).toBeInstanceOf(Map);
    const map = actual as Map<unknown, unknown>;
    expect([...map.keys()], path).toEqual([...expected.keys()]);
    for (const [key, value] of expected) expectSameState(map.get(key), value, `${path}.get(${String(key)})`);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((item, i) => expectSameState((actual as unknown[])[i], item, `${path}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(Object.keys(actual as object), path).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) expectSameState((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    expect(Object.is(actual, expected), `${path}: ${String(actual)} vs ${String(expected)}`).toBe(true);
  }
}

function adamLikeState(model: Sequential): Record<string, unknown> {
  const mu: Record<string, Tensor> = {};
  const nu: Record<string, Tensor> = {};
  let seed = 500;
  for (const [name, p] of model.parameters()) {
    mu[name] = randn([...p.shape], { seed: seed++, dtype: p.dtype });
    nu[name] = randn([...p.shape], { seed: seed++, dtype: p.dtype });
  }
  return {
    count: 7,
    chain: [{ mu, nu }, { scale: 1, best: Infinity, worst: -Infinity, plateauCount: 0, zero: -0, missing: NaN }, null, 'adam', true],
    lookup: new Map<string | number, unknown>([
      ['history', Float64Array.from([0.5, 0.25, Number.MIN_VALUE])],
      [3, Float32Array.from([1, 2])],
    ]),
    $tagged: { $tensor: 'not a reference' },
    empty: {},
  };
}

const extras = (model: Sequential): SaveExtras => ({
  preprocessing: { kind: 'standardize', mean: [0.1, 0.2 + 0.1, 1e-300, -5], std: [1, 2.5, 1e300, 0.30000000000000004], note: 'fitted on the training split' },
  optimizer: { id: 'adam', config: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, state: adamLikeState(model) },
  training: { epoch: 3, step: 120, seed: 42, bestValLoss: 0.123456789 },
});

describe('serializeModel / deserializeModel', () => {
  it('round trips parameters, buffers, preprocessing, optimizer state and training info exactly', () => {
    const model = trainedModel(freshRegistry());
    const saved = extras(model);
    const { files } = serializeModel(model, saved);
    expect(Object.keys(files).sort()).toEqual(['model.json', 'optimizer.safetensors', 'weights.safetensors']);

    const loaded = deserializeModel(files, freshRegistry());
    expect(loaded.model).not.toBe(model);
    expect(loaded.model.name).toBe('classifier');
    expect(loaded.model.built).toBe(true);
    expectSameWeights(loaded.model, model);
    expect(loaded.preprocessing).toEqual(saved.preprocessing);
    expect(loaded.training).toEqual(saved.training);
    expect(loaded.optimizer?.id).toBe('adam');
    expect(loaded.optimizer?.config).toEqual(saved.optimizer!.config);
    expectSameState(loaded.optimizer?.state, saved.optimizer!.state);

    // The same function: identical outputs in evaluation mode.
    const x = randn([4, 5], { seed: 9 });
    model.eval();
    loaded.model.eval();
    expect(bytesOf(loaded.model.apply(x).values)).toEqual(bytesOf(model.apply(x).values));
    expect(modelConfig(loaded.model)).toEqual(modelConfig(model));
  });

  it('writes weights.safetensors with every parameter and buffer by full name, and a readable model.json', () => {
    const model = trainedModel(freshRegistry());
    const { files } = serializeModel(model, extras(model));
    const weights = decodeSafetensors(files['weights.safetensors']);
    expect([...weights.tensors.keys()].sort()).toEqual(
      ['batchNorm_1/beta', 'batchNorm_1/gamma', 'batchNorm_1/movingMean', 'batchNorm_1/movingVariance', 'dense_1/bias', 'dense_1/kernel', 'dense_2/bias', 'dense_2/kernel'],
    );
    expect(weights.tensors.get('dense_1/kernel')?.shape).toEqual([5, 8]);

    const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'keel.model', formatVersion: 1, dtype: 'float32', weights: 'weights.safetensors', model: modelConfig(model) });
    expect(json.optimizer).toEqual({ id: 'adam', config: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, state: 'optimizer.safetensors' });
    expect(new TextDecoder().decode(files['model.json'])).toContain('"mean": [0.1, 0.30000000000000004, 1e-300, -5]');

    const optimizer = decodeSafetensors(files['optimizer.safetensors']);
    expect(optimizer.metadata['keel.format']).toBe('optimizer');
    expect(optimizer.tensors.has('state.chain.0.mu.dense_1/kernel')).toBe(true);
  });

  it('saves the model alone, and an optimizer without state', () => {
    const model = trainedModel(freshRegistry());
    const bare = deserializeModel(serializeModel(model).files, freshRegistry());
    expectSameWeights(bare.model, model);
    expect([bare.preprocessing, bare.optimizer, bare.training]).toEqual([undefined, undefined, undefined]);

    const { files } = serializeModel(model, { optimizer: { id: 'sgd', config: { lr: 0.1 } } });
    expect(files['optimizer.safetensors']).toBeUndefined();
    expect(deserializeModel(files, freshRegistry()).optimizer).toEqual({ id: 'sgd', plugin: undefined, config: { lr: 0.1 }, state: undefined, stateFile: null });
  });

  it('records the plugin and version of an optimizer the registry knows', () => {
    const registry = freshRegistry();
    const optimizer = {
      id: 'acme/fast',
      description: 'a test optimizer',
      create: () => {
        throw new Error('not used');
      },
    };
    registry.use(definePlugin({ name: '@acme/keel-opt', version: '2.0.1', provides: { optimizer: [optimizer] } }));
    const model = trainedModel(registry);
    const { files } = serializeModel(model, { optimizer: { id: 'acme/fast' } });
    expect(deserializeModel(files, freshRegistry()).optimizer?.plugin).toEqual({ name: '@acme/keel-opt', version: '2.0.1' });
  });

  it('keeps a float64 model float64', () => {
    const model = trainedModel(freshRegistry(), { dtype: 'float64' });
    const loaded = deserializeModel(serializeModel(model).files, freshRegistry());
    expect(loaded.model.dtype).toBe('float64');
    expectSameWeights(loaded.model, model);
  });

  it('round trips a convolutional model', () => {
    const registry = freshRegistry();
    const model = new Sequential([new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }), new MaxPool2D(), new Flatten(), new Dense({ units: 2 })], {
      inputShape: [6, 6, 1],
      registry,
      seed: 5,
    });
    model.build();
    for (const t of model.parameters().values()) t.assign(randn([...t.shape], { seed: t.size }));
    const loaded = deserializeModel(serializeModel(model).files, freshRegistry());
    expect(loaded.model.parameters().get('conv2d_1/kernel')?.shape).toEqual([3, 3, 1, 4]);
    expectSameWeights(loaded.model, model);
  });

  it('builds an unbuilt model with a known input shape before saving, and refuses one without', () => {
    const registry = freshRegistry();
    const declared = new Sequential([new Dense({ units: 2 })], { inputShape: [3], registry });
    expect(deserializeModel(serializeModel(declared).files, freshRegistry()).model.parameters().get('dense_1/kernel')?.shape).toEqual([3, 2]);
    const unknown = new Sequential([new Dense({ units: 2 })], { registry });
    expect(() => serializeModel(unknown)).toThrow('sequential: cannot save a model that is not built and has no input shape; build it (or run it once) first');
  });

  it('refuses extras that JSON cannot hold exactly, naming where', () => {
    const model = trainedModel(freshRegistry());
    expect(() => serializeModel(model, { preprocessing: { mean: [0, NaN] } })).toThrow('preprocessing.mean[1] is NaN; model.json holds JSON, which has no NaN or Infinity');
    expect(() => serializeModel(model, { preprocessing: { mean: Float32Array.from([1]) } })).toThrow('preprocessing.mean is a Float32Array; it must be JSON');
    expect(() => serializeModel(model, { training: { epoch: '3' as unknown as number } })).toThrow('training.epoch must be a number, got "3"');
    expect(() => serializeModel(model, { optimizer: { id: 'adam', state: { step: 1n } } })).toThrow('optimizer state: state.step is a bigint');
    expect(() => serializeModel(model, { optimizer: { id: 'adam', state: { m: new Map([[{}, 1]]) } } })).toThrow(
      'optimizer state: state.m is a Map with a key that is a Object; only string and finite number keys can be saved',
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => serializeModel(model, { optimizer: { id: 'adam', state: cycle } })).toThrow('optimizer state: state.self refers back to itself');
  });
});

describe('deserializeModel: files that do not fit', () => {
  const registry = freshRegistry();
  const model = trainedModel(registry);
  const { files } = serializeModel(model, extras(model));

  function withWeights(edit: (tensors: Map<string, TensorData>) => void): Record<string, Uint8Array> {
    const tensors = new Map<string, TensorData>(decodeSafetensors(files['weights.safetensors']).tensors);
    edit(tensors);
    return { ...files, 'weights.safetensors': encodeSafetensors(tensors) };
  }

  function loadError(edited: Record<string, Uint8Array>, registry = freshRegistry()): Error {
    try {
      deserializeModel(edited, registry);
    } catch (error) {
      return error as Error;
    }
    throw new Error('deserializeModel accepted files that do not fit');
  }

  it('a shape mismatch names the tensor and both shapes', () => {
    const wider = trainedModel(freshRegistry(), { units: 9 });
    const mixed = { ...files, 'model.json': serializeModel(wider).files['model.json'] };
    const error = loadError(mixed);
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toBe(
      "weights.safetensors: does not fit model 'classifier': " +
        'dense_1/kernel: the file has [5, 8], the model needs [5, 9]; dense_1/bias: the file has [8], the model needs [9]; ' +
        'batchNorm_1/gamma: the file has [8], the model needs [9]; batchNorm_1/beta: the file has [8], the model needs [9]; ' +
        'batchNorm_1/movingMean: the file has [8], the model needs [9]; batchNorm_1/movingVariance: the file has [8], the model needs [9]; ' +
        'dense_2/kernel: the file has [8, 3], the model needs [9, 3]',
    );
  });

  it('a missing tensor', () => {
    expect(loadError(withWeights((t) => t.delete('batchNorm_1/movingVariance'))).message).toBe(
      "weights.safetensors: does not fit model 'classifier': batchNorm_1/movingVariance: missing from the file (the model needs [8] float32)",
    );
  });

  it('an unexpected tensor', () => {
    expect(loadError(withWeights((t) => t.set('dense_9/kernel', { dtype: 'float32', shape: [2], values: new Float32Array(2) }))).message).toBe(
      "weights.safetensors: does not fit model 'classifier': dense_9/kernel: in the file ([2] float32) but not in the model",
    );
  });

  it('a dtype mismatch', () => {
    const edited = withWeights((t) => {
      const bias = t.get('dense_2/bias')!;
      t.set('dense_2/bias', { dtype: 'float64', shape: bias.shape, values: Float64Array.from(bias.values) });
    });
    expect(loadError(edited).message).toBe("weights.safetensors: does not fit model 'classifier': dense_2/bias: the file has float64, the model needs float32");
  });

  it('a model that needs a plugin that is not installed gets the plugin id and version', () => {
    const withSwish = freshRegistry();
    withSwish.use(
      definePlugin({
        name: '@acme/keel-swish',
        version: '1.2.3',
        provides: {
          activation: [
            {
              id: 'acme/swish',
              description: 'x · sigmoid(x)',
              forward: (x: Tensor) => mul(x, sigmoid(x)),
              meta: { gain: 1, recommendedInitializer: 'glorotUniform', outputRange: [-0.28, Infinity], saturation: {}, kinks: [] },
            },
          ],
        },
      }),
    );
    const custom = new Sequential([new Dense({ units: 4, activation: 'acme/swish' }), new Dense({ units: 1 })], { inputShape: [2], registry: withSwish });
    const saved = serializeModel(custom).files;
    const error = loadError(saved, freshRegistry());
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.cause).toBeInstanceOf(ModelConfigError);
    expect(() => deserializeModel(saved, freshRegistry())).toThrow(
      "model.json: this model needs plugins that are not installed: activation 'acme/swish' from @acme/keel-swish@1.2.3. Install the package(s) and registry.use() their plugin.",
    );
    expectSameWeights(deserializeModel(saved, withSwish).model, custom);
  });

  it('model.json that is corrupt or not Keel’s says what is wrong', () => {
    const text = new TextDecoder().decode(files['model.json']);
    const json = (edit: (doc: Record<string, unknown>) => void): Record<string, Uint8Array> => {
      const doc = JSON.parse(text) as Record<string, unknown>;
      edit(doc);
      return { ...files, 'model.json': new TextEncoder().encode(JSON.stringify(doc)) };
    };
    expect(loadError({ ...files, 'model.json': files['model.json'].subarray(0, 40) }).message).toMatch(/^model\.json: not valid JSON \(.+\); the file is corrupt$/);
    expect(loadError({ ...files, 'model.json': Uint8Array.from([0x7b, 0xff]) }).message).toBe('model.json: not valid UTF-8 text; the file is corrupt');
    expect(loadError(json((d) => (d.format = 'keras'))).message).toBe("model.json: not a Keel model file: format is \"keras\", expected 'keel.model'");
    expect(loadError(json((d) => (d.formatVersion = 2))).message).toBe(`model.json: format version 2 is newer than this @keel/train (${VERSION}) reads (1); upgrade @keel/train`);
    expect(loadError(json((d) => delete d.model)).message).toBe("model.json: the 'model' section (the layers' config) is missing");
    expect(loadError(json((d) => ((d.model as Record<string, unknown>).layers = [{ type: 'dense' }]))).message).toBe(
      'model.json: model.layers[0].name is missing; expected a non-empty string',
    );
    expect(loadError(json((d) => (d.dtype = 'int8'))).message).toBe("model.json: dtype is \"int8\", expected 'float32' or 'float64'");
    expect(loadError({ ...files, 'model.json': new TextEncoder().encode('[1, 2]') }).message).toBe('model.json: not a Keel model file: expected a JSON object');
  });

  it('missing files', () => {
    const { 'model.json': _json, ...noJson } = files;
    expect(loadError(noJson).message).toBe('not a Keel model: there is no model.json');
    const { 'weights.safetensors': _weights, ...noWeights } = files;
    expect(loadError(noWeights).message).toBe('model.json is there but weights.safetensors is missing');
    const { 'optimizer.safetensors': _optimizer, ...noOptimizer } = files;
    expect(loadError(noOptimizer).message).toBe('model.json: says the optimizer state is in optimizer.safetensors, which is missing');
  });

  it('a truncated weights file gets the safetensors error', () => {
    const weights = files['weights.safetensors'];
    const error = loadError({ ...files, 'weights.safetensors': weights.subarray(0, weights.length - 10) });
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(/^weights\.safetensors: truncated: the header promises \d+ bytes of tensor data, the file has \d+ \(tensor '.+' at bytes \d+\.\.\d+ is cut off\)$/);
  });

  it('optimizer state that does not match its tensors', () => {
    const decoded = decodeSafetensors(files['optimizer.safetensors']);
    const extra = new Map<string, TensorData>(decoded.tensors);
    extra.set('stray', { dtype: 'float32', shape: [1], values: new Float32Array(1) });
    expect(loadError({ ...files, 'optimizer.safetensors': encodeSafetensors(extra, decoded.metadata) }).message).toBe(
      'optimizer.safetensors: has tensors the optimizer state does not refer to: stray',
    );
    const fewer = new Map<string, TensorData>(decoded.tensors);
    fewer.delete('state.chain.0.nu.dense_2/bias');
    expect(loadError({ ...files, 'optimizer.safetensors': encodeSafetensors(fewer, decoded.metadata) }).message).toBe(
      "optimizer.safetensors: optimizer state state.chain[0].nu[\"dense_2/bias\"]: refers to tensor 'state.chain.0.nu.dense_2/bias', which the file does not have",
    );
    expect(loadError({ ...files, 'optimizer.safetensors': encodeSafetensors(decoded.tensors, {}) }).message).toBe(
      "optimizer.safetensors: not Keel optimizer state: its metadata has no 'keel.state'",
    );
  });
});

describe('one-file bundles', () => {
  it('round trip exactly, and are plain safetensors files with the weights under their own names', () => {
    const model = trainedModel(freshRegistry());
    const saved = extras(model);
    const bundle = encodeModelBundle(model, saved);

    const raw = decodeSafetensors(bundle);
    expect(raw.metadata['keel.format']).toBe('bundle');
    expect(raw.metadata['keel.formatVersion']).toBe('1');
    expect(raw.metadata['model.json']).toBe(new TextDecoder().decode(serializeModel(model, saved).files['model.json']));
    expect(raw.tensors.get('dense_1/kernel')?.shape).toEqual([5, 8]);
    expect([...raw.tensors.keys()].filter((name) => name.startsWith(BUNDLE_OPTIMIZER_PREFIX)).length).toBe(2 * model.parameters().size + 2);

    const loaded = loadModelFromBundle(bundle, freshRegistry());
    expectSameWeights(loaded.model, model);
    expect(loaded.preprocessing).toEqual(saved.preprocessing);
    expect(loaded.training).toEqual(saved.training);
    expectSameState(loaded.optimizer?.state, saved.optimizer!.state);
  });

  it('come as a Blob for downloads, with a file name', async () => {
    const model = trainedModel(freshRegistry());
    const blob = modelDownloadBlob(model, { preprocessing: { scale: 1 / 255 } });
    expect(blob.type).toBe('application/octet-stream');
    const loaded = loadModelFromBundle(await blob.arrayBuffer(), freshRegistry());
    expectSameWeights(loaded.model, model);
    expect(loaded.preprocessing).toEqual({ scale: 1 / 255 });
    expect(modelBundleFileName(model)).toBe('classifier.keel.safetensors');
  });

  it('reject files that are not bundles, and damaged ones', () => {
    const model = trainedModel(freshRegistry());
    const weightsOnly = serializeModel(model).files['weights.safetensors'];
    expect(() => loadModelFromBundle(weightsOnly, freshRegistry(), 'weights.safetensors')).toThrow(
      "weights.safetensors: a safetensors file, but not a Keel model bundle: its metadata has keel.format 'weights' (expected 'bundle')",
    );
    const bundle = encodeModelBundle(model);
    expect(() => loadModelFromBundle(bundle.subarray(0, bundle.length - 1), freshRegistry(), 'm.keel.safetensors')).toThrow(
      /^m\.keel\.safetensors: truncated: the header promises \d+ bytes of tensor data, the file has \d+/,
    );
    const wider = encodeModelBundle(trainedModel(freshRegistry(), { units: 9 }));
    const mixed = decodeSafetensors(wider);
    const mismatched = encodeSafetensors(decodeSafetensors(bundle).tensors, mixed.metadata);
    expect(() => loadModelFromBundle(mismatched, freshRegistry())).toThrow(
      "model bundle (weights.safetensors): does not fit model 'classifier': dense_1/kernel: the file has [5, 8], the model needs [5, 9]",
    );
  });
});

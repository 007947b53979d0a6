// model.json is checked field by field, edits that change the network are detected, and sizes are
// checked against the weights file before anything is allocated.
import { Conv2D, Dense, Flatten, installLayers, MaxPool2D, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { describe, expect, it, vi } from 'vitest';
import { decodeSafetensors, deserializeModel, encodeModelBundle, encodeSafetensors, loadModelFromBundle, ModelFileError, serializeModel } from '../src/save/index.js';

function freshRegistry(): Registry {
  const registry = new Registry({ name: 'test' });
  installLayers(registry);
  return registry;
}

function cnn(): Sequential {
  return new Sequential([new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), new MaxPool2D(), new Flatten(), new Dense({ units: 3, activation: 'relu' }), new Dense({ units: 2 })], {
    inputShape: [8, 8, 1],
    registry: freshRegistry(),
    name: 'cnn',
  }).build();
}

const files = serializeModel(cnn(), { preprocessing: { scale: 1 / 255 }, optimizer: { id: 'sgd', config: { lr: 0.1 } }, training: { epoch: 1, step: 10 } }).files;

interface Doc {
  [key: string]: unknown;
  model: { seed: unknown; inputShape: unknown; layers: { type: string; name: string; config: Record<string, unknown> }[] };
  optimizer: Record<string, unknown>;
  training: Record<string, unknown>;
  preprocessing: Record<string, unknown>;
}

/** The files with model.json edited as JSON. */
function withJson(edit: (doc: Doc) => void): Record<string, Uint8Array> {
  const doc = JSON.parse(new TextDecoder().decode(files['model.json'])) as Doc;
  edit(doc);
  return { ...files, 'model.json': new TextEncoder().encode(JSON.stringify(doc)) };
}

function loadError(edited: Record<string, Uint8Array>): Error {
  try {
    deserializeModel(edited, freshRegistry(), { source: 'mnist-model' });
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as Error;
  }
  throw new Error('deserializeModel accepted the edited files');
}

describe('model.json is validated field by field', () => {
  it('a layer config value that is null or unknown names the file, the layer and the field', () => {
    expect(loadError(withJson((d) => (d.model.layers[3].config.activation = null))).message).toBe(
      "mnist-model/model.json: model.layers[3] (dense_1): activation is null; expected an activation id such as 'relu' or { id, ...options }",
    );
    expect(loadError(withJson((d) => (d.model.layers[3].config.activation = 'rleu'))).message).toMatch(
      /^mnist-model\/model\.json: model\.layers\[3\] \(dense_1\): activation 'rleu': unknown activation 'rleu'; did you mean 'relu'\?/,
    );
    expect(loadError(withJson((d) => (d.model.layers[1].type = 'acme/pool'))).message).toMatch(
      /^mnist-model\/model\.json: model\.layers\[1\] \(maxPool2d_1\): type 'acme\/pool' is not a registered layer type/,
    );
  });

  it('top-level fields: type, unknown names, sections', () => {
    expect(loadError(withJson((d) => (d.formatVersion = '1'))).message).toBe("mnist-model/model.json: formatVersion is '1' (a string); expected the number 1");
    expect(loadError(withJson((d) => (d.producr = 'me'))).message).toBe(
      'mnist-model/model.json: unknown field producr; did you mean producer? (valid: format, formatVersion, producer, dtype, model, weights, preprocessing, optimizer, training)',
    );
    expect(loadError(withJson((d) => (d.model.seed = 'x'))).message).toBe("mnist-model/model.json: model.seed is 'x'; expected an integer");
    expect(loadError(withJson((d) => (d.model.inputShape = [8, 0, 1]))).message).toBe(
      'mnist-model/model.json: model.inputShape is [8,0,1]; expected a list of positive integers up to 16777216, or null',
    );
    expect(loadError(withJson((d) => (d.model.layers[4].name = 'dense_1'))).message).toBe(
      "mnist-model/model.json: model.layers[4].name is 'dense_1', the name of model.layers[3] too; layer names must be unique (they name the weights)",
    );
    expect(loadError(withJson((d) => (d.optimizer.id = null))).message).toBe("mnist-model/model.json: optimizer.id is null; expected an optimizer id such as 'adam'");
    expect(loadError(withJson((d) => (d.optimizer.sate = null))).message).toMatch(/^mnist-model\/model\.json: unknown field optimizer\.sate; did you mean optimizer\.state\?/);
    expect(loadError(withJson((d) => (d.training.epoch = 0.5))).message).toBe('mnist-model/model.json: training.epoch is 0.5; expected a whole number >= 0');
    expect(loadError(withJson((d) => (d.training.step = '10'))).message).toBe("mnist-model/model.json: training.step is '10'; expected a whole number >= 0");
  });
});

describe('edits that change the network are detected', () => {
  it('swapping the conv and pooling layers (with same padding both orders fit the weights) is an error naming the layers', () => {
    const swapped = withJson((d) => {
      const [conv, pool] = d.model.layers;
      d.model.layers[0] = pool;
      d.model.layers[1] = conv;
    });
    expect(loadError(swapped).message).toBe(
      'mnist-model/model.json: does not match weights.safetensors: the architecture or preprocessing was changed after the weights were saved (layers 0 (maxPool2d_1), 1 (conv2d_1)); ' +
        'restore the model.json saved with these weights, or train a new model',
    );
  });

  it('another activation with the same weights is an error naming the layer', () => {
    expect(loadError(withJson((d) => (d.model.layers[0].config.activation = 'tanh'))).message).toBe(
      'mnist-model/model.json: does not match weights.safetensors: the architecture or preprocessing was changed after the weights were saved (layer 0 (conv2d_1)); ' +
        'restore the model.json saved with these weights, or train a new model',
    );
  });

  it('edited preprocessing is an error too; a file saved before fingerprints still loads', () => {
    expect(loadError(withJson((d) => (d.preprocessing.scale = 1e300))).message).toMatch(
      /does not match weights\.safetensors: .*\(preprocessing\.scale is 1e\+300, not the value saved with the weights\)/,
    );
    const weights = decodeSafetensors(files['weights.safetensors']);
    const old = encodeSafetensors(weights.tensors, { 'keel.format': 'weights' });
    const loaded = deserializeModel({ ...withJson((d) => (d.preprocessing.scale = 0.5)), 'weights.safetensors': old }, freshRegistry());
    expect(loaded.preprocessing).toEqual({ scale: 0.5 });
  });

  it('names each field that changed: preprocessing fields (nested ones too), added and removed ones, the model seed, and model.requires entries', () => {
    const saved = serializeModel(cnn(), { preprocessing: { scale: 1 / 255, dataDir: '/data/a', run: { lr: 0.1, layers: [8] } } }).files;
    const edited = (edit: (doc: Doc & { model: { requires: Record<string, string>[] } }) => void): string => {
      const doc = JSON.parse(new TextDecoder().decode(saved['model.json'])) as Doc & { model: { requires: Record<string, string>[] } };
      edit(doc);
      return loadError({ ...saved, 'model.json': new TextEncoder().encode(JSON.stringify(doc)) }).message;
    };
    const prefix = 'mnist-model/model.json: does not match weights.safetensors: the architecture or preprocessing was changed after the weights were saved';
    const suffix = '; restore the model.json saved with these weights, or train a new model';
    expect(edited((d) => (d.preprocessing.dataDir = '/data/b'))).toBe(`${prefix} (preprocessing.dataDir is '/data/b', not the value saved with the weights)${suffix}`);
    expect(edited((d) => ((d.preprocessing.run as { lr: number }).lr = 0.5))).toBe(`${prefix} (preprocessing.run.lr is 0.5, not the value saved with the weights)${suffix}`);
    expect(
      edited((d) => {
        delete d.preprocessing.scale;
        d.preprocessing.note = 'x';
        d.model.seed = 7;
      }),
    ).toBe(`${prefix} (model.seed is 7, not the value saved with the weights; preprocessing.note was added ('x'); preprocessing.scale was removed)${suffix}`);
    const requires = (JSON.parse(new TextDecoder().decode(saved['model.json'])) as { model: { requires: { kind: string; id: string; plugin: string; version: string }[] } }).model.requires;
    expect(requires.length).toBeGreaterThan(0);
    const [first] = requires;
    expect(edited((d) => d.model.requires.shift())).toBe(`${prefix} (model.requires' entry for ${first.kind} '${first.id}' was removed)${suffix}`);
    const layers = requires.find((r) => r.kind === 'layer')!; // dropout: installed, and not used by this model
    expect(edited((d) => d.model.requires.push({ kind: 'layer', id: 'dropout', plugin: layers.plugin, version: layers.version }))).toBe(
      `${prefix} (model.requires' entry for layer 'dropout' (${layers.plugin}@${layers.version}) was added)${suffix}`,
    );
  });

  it('a file saved before the per-field record gives the generic message, which names the requirements too', () => {
    const weights = decodeSafetensors(files['weights.safetensors']);
    const { 'keel.fields': fields, ...older } = weights.metadata;
    expect(fields).toBeDefined();
    const edited = withJson((d) => (d.preprocessing.scale = 0.5));
    expect(loadError({ ...edited, 'weights.safetensors': encodeSafetensors(weights.tensors, older) }).message).toMatch(
      /\(not the layers: the model's name, seed, input shape, requirements \(model\.requires\), dtype or preprocessing\)/,
    );
  });

  it('bundles carry the fingerprint too', () => {
    const bundle = decodeSafetensors(encodeModelBundle(cnn()));
    const doc = JSON.parse(bundle.metadata['model.json']) as { model: { layers: { config: Record<string, unknown> }[] } };
    doc.model.layers[3].config.activation = 'sigmoid';
    const edited = encodeSafetensors(bundle.tensors, { ...bundle.metadata, 'model.json': JSON.stringify(doc) });
    expect(() => loadModelFromBundle(edited, freshRegistry(), 'm.keel.safetensors')).toThrow(/^m\.keel\.safetensors \(model\.json\): does not match weights\.safetensors: .*\(layer 3 \(dense_1\)\)/);
  });
});

describe('sizes are checked against the weights file before anything is allocated', () => {
  it('filters above 2^24 are refused by the config check; a large but legal size by the file, before building', () => {
    expect(loadError(withJson((d) => (d.model.layers[0].config.filters = 1e8))).message).toBe(
      'mnist-model/model.json: model.layers[0] (conv2d_1): filters is 100000000; expected an integer from 1 to 16777216',
    );
    const build = vi.spyOn(Conv2D.prototype as unknown as { buildWeights: () => void }, 'buildWeights');
    try {
      expect(loadError(withJson((d) => (d.model.layers[0].config.filters = 2 ** 24))).message).toMatch(
        /^mnist-model\/weights\.safetensors: does not fit model 'cnn': conv2d_1\/kernel: the file has \[3, 3, 1, 4\], the model needs \[3, 3, 1, 16777216\]/,
      );
      expect(build).not.toHaveBeenCalled();
    } finally {
      build.mockRestore();
    }
  });
});

describe('loading for inference', () => {
  it('{ optimizer: false } loads a model whose optimizer file is missing; the default still needs it', () => {
    const withState = serializeModel(cnn(), { optimizer: { id: 'sgd', state: { count: 3 } } }).files;
    const { 'optimizer.safetensors': _gone, ...noOptimizer } = withState;
    expect(() => deserializeModel(noOptimizer, freshRegistry())).toThrow('model.json: says the optimizer state is in optimizer.safetensors, which is missing');
    const loaded = deserializeModel(noOptimizer, freshRegistry(), { optimizer: false });
    expect(loaded.optimizer).toMatchObject({ id: 'sgd', state: undefined });
    expect(loaded.model.layers).toHaveLength(5);
  });
});

// model.json's optimizer section is recorded with the weights: nothing reads it back on resume, so an
// edit (lr 5, an unknown option, another id) must be an error, not silently ignored.
import { Dense, installLayers, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, deserializeModel, encodeSafetensors, ModelFileError, serializeModel } from '../src/save/index.js';

function freshRegistry(): Registry {
  const registry = new Registry({ name: 'test' });
  installLayers(registry);
  return registry;
}

function mlp(): Sequential {
  return new Sequential([new Dense({ units: 3, activation: 'relu' }), new Dense({ units: 2 })], { inputShape: [4], registry: freshRegistry(), name: 'mlp' }).build();
}

const state = { trace: { 'dense_1/kernel': tensor([[0.5]]) } };
const files = serializeModel(mlp(), { optimizer: { id: 'sgd', config: { lr: 0.01, momentum: 0.9 }, state }, training: { epoch: 1, step: 4, seed: 0 } }).files;

type Doc = Record<string, Record<string, unknown>>;

function withJson(edit: (doc: Doc) => void, base = files): Record<string, Uint8Array> {
  const doc = JSON.parse(new TextDecoder().decode(base['model.json'])) as Doc;
  edit(doc);
  return { ...base, 'model.json': new TextEncoder().encode(JSON.stringify(doc)) };
}

function loadError(edited: Record<string, Uint8Array>): Error {
  try {
    deserializeModel(edited, freshRegistry(), { source: 'm' });
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as Error;
  }
  throw new Error('deserializeModel accepted the edited files');
}

const advice =
  'restore the model.json saved with these weights; to train on with other optimizer settings, pass them when resuming (the saved state belongs to the saved optimizer)';

describe('an edited optimizer section is detected on load', () => {
  it('an edited or unknown optimizer.config value names the field, the new and the saved value', () => {
    expect(loadError(withJson((d) => (d.optimizer.config = { lr: 5, momentum: 0.9 }))).message).toBe(
      `m/model.json: does not match weights.safetensors: the optimizer was changed after the weights were saved (optimizer.config.lr is 5 (saved: 0.01)); ${advice}`,
    );
    expect(loadError(withJson((d) => (d.optimizer.config = { lr: 0.01, momentum: 0.1, bogus: 1 }))).message).toContain(
      '(optimizer.config.momentum is 0.1 (saved: 0.9), optimizer.config.bogus is 1 (saved: absent))',
    );
  });

  it('a removed optimizer section or state is left to whoever resumes (the CLI asks for --reset-optimizer)', () => {
    expect(deserializeModel(withJson((d) => delete d.optimizer), freshRegistry()).optimizer).toBeUndefined();
    expect(deserializeModel(withJson((d) => (d.optimizer.state = null)), freshRegistry()).optimizer?.state).toBeUndefined();
  });

  it('inference ({ optimizer: false }) reads no optimizer setting, so it still loads', () => {
    const loaded = deserializeModel(withJson((d) => (d.optimizer.config = { lr: 5 })), freshRegistry(), { optimizer: false });
    expect(loaded.model.name).toBe('mlp');
  });

  it('an unedited file loads with its optimizer; a file saved before the record existed still loads', () => {
    expect(deserializeModel(files, freshRegistry()).optimizer?.config).toEqual({ lr: 0.01, momentum: 0.9 });
    const weights = decodeSafetensors(files['weights.safetensors']);
    const metadata = Object.fromEntries(Object.entries(weights.metadata).filter(([key]) => key !== 'keel.optimizer'));
    const old = { ...files, 'weights.safetensors': encodeSafetensors(weights.tensors, metadata) };
    expect(deserializeModel(withJson((d) => (d.optimizer.config = { lr: 5 }), old), freshRegistry()).optimizer?.config).toEqual({ lr: 5 });
  });

  it('training fields keep their types: epoch, step and seed', () => {
    expect(loadError(withJson((d) => (d.training.seed = 1.5))).message).toBe('m/model.json: training.seed is 1.5; expected an integer');
    expect(loadError(withJson((d) => (d.training.epoch = '1'))).message).toBe("m/model.json: training.epoch is '1'; expected a whole number >= 0");
  });
});

// The optimizer file of a save belongs to its weights: one copied from another save, or edited (a
// step count in its metadata), is refused when resuming; inference does not read it.
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

function saved(momentum: number, count: number): Record<string, Uint8Array> {
  const model = new Sequential([new Dense({ units: 2 })], { inputShape: [3], registry: freshRegistry(), name: 'mlp' }).build();
  const state = [{ trace: { 'dense_1/kernel': tensor([[momentum, 0], [0, 0], [0, 0]]), 'dense_1/bias': tensor([0, 0]) } }, { count }];
  return serializeModel(model, { optimizer: { id: 'sgd', config: { lr: 0.1, momentum: 0.9 }, state }, training: { epoch: 1, step: count, seed: 0 } }).files;
}

function loadError(files: Record<string, Uint8Array>): string {
  try {
    deserializeModel(files, freshRegistry(), { source: 'm' });
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return (error as Error).message;
  }
  throw new Error('deserializeModel accepted the files');
}

const refused =
  'm/optimizer.safetensors: optimizer.safetensors is not the optimizer state saved with weights.safetensors: its contents differ from what was saved with these weights (edited, or copied from another save)';

describe('the optimizer state saved with the weights', () => {
  it('loads as saved', () => {
    const loaded = deserializeModel(saved(0.5, 4), freshRegistry());
    expect(loaded.optimizer?.state).toBeDefined();
  });

  it("another save's optimizer file (same shapes, other values) is refused; inference still loads", () => {
    const mine = saved(0.5, 4);
    const theirs = saved(0.25, 4);
    const swapped = { ...mine, 'optimizer.safetensors': theirs['optimizer.safetensors'] };
    expect(loadError(swapped)).toContain(refused);
    expect(deserializeModel(swapped, freshRegistry(), { optimizer: false }).optimizer?.state).toBeUndefined();
  });

  it('an edited step count in the state metadata is refused', () => {
    const files = saved(0.5, 4);
    const decoded = decodeSafetensors(files['optimizer.safetensors']);
    const edited = { ...decoded.metadata, 'keel.state': decoded.metadata['keel.state'].replace('"count":4', '"count":8') };
    expect(edited['keel.state']).not.toBe(decoded.metadata['keel.state']);
    expect(loadError({ ...files, 'optimizer.safetensors': encodeSafetensors(decoded.tensors, edited) })).toContain(refused);
  });
});

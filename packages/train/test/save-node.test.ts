import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchNorm, Dense, installLayers, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { randn, type Tensor } from '@keel/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel, writeDirectoryAtomic, type AtomicIo } from '../src/node/index.js';
import { nodeIo } from '../src/node/atomic.js';
import { encodeModelBundle, ModelFileError } from '../src/save/index.js';

function freshRegistry(): Registry {
  const registry = new Registry({ name: 'test' });
  installLayers(registry);
  return registry;
}

function model(seed: number): Sequential {
  const m = new Sequential([new Dense({ units: 6, activation: 'relu' }), new BatchNorm(), new Dense({ units: 2 })], { inputShape: [4], registry: freshRegistry(), seed });
  m.build();
  m.apply(randn([8, 4], { seed })); // moves the running statistics
  for (const t of m.parameters().values()) t.assign(randn([...t.shape], { seed: seed + t.size }));
  return m;
}

function weightsOf(m: Sequential): Map<string, number[]> {
  return new Map([...m.parameters(), ...m.buffers()].map(([name, t]: [string, Tensor]) => [name, Array.from(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength))]));
}

async function expectModelAt(dir: string, expected: Sequential): Promise<void> {
  const loaded = await loadModel(dir, freshRegistry());
  expect(weightsOf(loaded.model)).toEqual(weightsOf(expected));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'keel-save-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
/** A fresh parent directory for one test, so leftovers are easy to see. */
async function parentDir(): Promise<string> {
  const dir = join(root, `case-${counter++}`);
  await mkdir(dir);
  return dir;
}

/** An io that fails (or hangs, like a process killed at that moment) at one step. */
function faulty(at: { write?: string; rename?: number; sync?: number; hang?: boolean }): AtomicIo {
  let renames = 0;
  let syncs = 0;
  const trip = (): Promise<never> => (at.hang === true ? new Promise<never>(() => undefined) : Promise.reject(new Error('injected failure')));
  return {
    ...nodeIo,
    writeFileSynced: (path, data) => (at.write !== undefined && path.endsWith(at.write) ? trip() : nodeIo.writeFileSynced(path, data)),
    rename: (from, to) => (++renames === at.rename ? trip() : nodeIo.rename(from, to)),
    syncDirectory: (path) => (++syncs === at.sync ? trip() : nodeIo.syncDirectory(path)),
  };
}

describe('saveModel / loadModel', () => {
  it('round trips a model and its extras through a directory', async () => {
    const dir = join(await parentDir(), 'nested', 'mnist-model');
    const m = model(1);
    const state = { count: 3, mu: { 'dense_1/kernel': randn([4, 6], { seed: 3 }) } };
    await saveModel(m, dir, { preprocessing: { scale: 1 / 255 }, optimizer: { id: 'adam', config: { lr: 0.01 }, state }, training: { epoch: 2, step: 40, seed: 7 } });
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.safetensors', 'weights.safetensors']);
    const loaded = await loadModel(dir, freshRegistry());
    expect(weightsOf(loaded.model)).toEqual(weightsOf(m));
    expect(loaded.preprocessing).toEqual({ scale: 1 / 255 });
    expect(loaded.training).toEqual({ epoch: 2, step: 40, seed: 7 });
    const mu = (loaded.optimizer?.state as { mu: Record<string, Tensor> }).mu['dense_1/kernel'];
    expect(Array.from(mu.values)).toEqual(Array.from(state.mu['dense_1/kernel'].values));
  });

  it('replaces a saved model, leaving nothing else behind', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    await saveModel(model(1), dir);
    const second = model(2);
    await saveModel(second, dir);
    await expectModelAt(dir, second);
    expect(await readdir(parent)).toEqual(['model']);
  });

  it('loads a one-file bundle given as a path', async () => {
    const file = join(await parentDir(), 'model.keel.safetensors');
    const m = model(4);
    await writeFile(file, encodeModelBundle(m));
    await expectModelAt(file, m);
  });
});

describe('atomic saves', () => {
  const cases: [string, Parameters<typeof faulty>[0]][] = [
    ['a write error in weights.safetensors', { write: 'weights.safetensors' }],
    ['a write error in the first file', { write: 'model.json' }],
    ['an fsync error on the new directory', { sync: 1 }],
    ['a failed rename of the old model aside', { rename: 1 }],
    ['a failed rename of the new model into place', { rename: 2 }],
  ];
  for (const [what, at] of cases) {
    it(`keeps the previous model intact and loadable after ${what}`, async () => {
      const parent = await parentDir();
      const dir = join(parent, 'model');
      const good = model(1);
      await saveModel(good, dir);
      const before = await readFile(join(dir, 'weights.safetensors'));

      const error = await rejection(saveModel(model(2), dir, {}, { io: faulty(at) }));
      expect(error.message).toBe('injected failure');
      expect(await readFile(join(dir, 'weights.safetensors'))).toEqual(before);
      await expectModelAt(dir, good);
      expect(await readdir(parent)).toEqual(['model']); // no temporary or set-aside directory left
    });
  }

  it('a first save that fails leaves nothing at the target', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    await rejection(saveModel(model(1), dir, {}, { io: faulty({ write: 'weights.safetensors' }) }));
    expect(await readdir(parent)).toEqual([]);
  });

  it('a crash while writing leaves the previous model in place', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    const good = model(1);
    await saveModel(good, dir);
    // The save stops for good halfway through writing weights.safetensors, as if the process died there.
    void saveModel(model(2), dir, {}, { io: faulty({ write: 'weights.safetensors', hang: true }) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expectModelAt(dir, good);
    const entries = await readdir(parent);
    expect(entries).toContain('model');
    expect(entries.filter((name) => name.startsWith('.model.saving-'))).toHaveLength(1); // the abandoned temporary directory
  });

  it('a crash between the two renames leaves the previous model beside the target, and loadModel says where', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    const good = model(1);
    await saveModel(good, dir);
    void saveModel(model(2), dir, {}, { io: faulty({ rename: 2, hang: true }) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const aside = (await readdir(parent)).find((name) => name.startsWith('.model.old-'));
    expect(aside).toBeDefined();
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error.message).toBe(`no Keel model here: ${dir} does not exist; an interrupted save left the previous model at ${join(parent, aside!)}: rename it to ${dir} to use it`);
    await expectModelAt(join(parent, aside!), good);
  });

  it('refuses to replace a directory that is not a Keel model, or a file', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'photos');
    await mkdir(dir);
    await writeFile(join(dir, 'holiday.jpg'), 'not a model');
    const error = await rejection(saveModel(model(1), dir));
    expect(error.message).toBe(`refusing to replace ${dir}: it is not empty and has no model.json, so it is not a Keel model directory`);
    expect(await readFile(join(dir, 'holiday.jpg'), 'utf8')).toBe('not a model');
    expect((await readdir(parent)).sort()).toEqual(['photos']);

    const file = join(parent, 'file');
    await writeFile(file, 'x');
    expect((await rejection(saveModel(model(1), file))).message).toBe(`cannot save to ${file}: it exists and is not a directory`);

    const empty = join(parent, 'empty');
    await mkdir(empty);
    await saveModel(model(1), empty);
    expect((await stat(join(empty, 'model.json'))).isFile()).toBe(true);
  });

  it('writeDirectoryAtomic rejects file names that would escape the directory', async () => {
    const dir = join(await parentDir(), 'x');
    await expect(writeDirectoryAtomic(dir, { '../evil': new Uint8Array(1) })).rejects.toThrow("cannot write a file named '../evil'");
  });
});

describe('loadModel: directories that are not good models', () => {
  it('a directory without model.json', async () => {
    const dir = await parentDir();
    await writeFile(join(dir, 'weights.safetensors'), new Uint8Array(16));
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toBe(`not a Keel model directory: ${dir} has no model.json`);
  });

  it('a directory that does not exist', async () => {
    const dir = join(await parentDir(), 'missing');
    expect((await rejection(loadModel(dir, freshRegistry()))).message).toBe(`no Keel model here: ${dir} does not exist`);
  });

  it('a corrupt model.json', async () => {
    const dir = join(await parentDir(), 'model');
    await saveModel(model(1), dir);
    await writeFile(join(dir, 'model.json'), '{"format": "keel.model", "formatVersion": 1, "dtype": "float32", "mod');
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/model\\.json: not valid JSON \\(.+\\); the file is corrupt$`));
  });

  it('a truncated weights file gets the safetensors error', async () => {
    const dir = join(await parentDir(), 'model');
    await saveModel(model(1), dir);
    const weights = join(dir, 'weights.safetensors');
    const size = (await stat(weights)).size;
    await truncate(weights, size - 100);
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/weights\\.safetensors: truncated: the header promises (\\d+) bytes of tensor data, the file has (\\d+) `));
    const [, promised, has] = /promises (\d+) bytes of tensor data, the file has (\d+)/.exec(error.message)!;
    expect(Number(promised) - Number(has)).toBe(100);
  });
});

import { spawnSync, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchNorm, Dense, installLayers, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { randn, type Tensor } from '@keel/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, lockModelDirectory, ModelDirectoryLockedError, recoverModelDirectory, saveModel, type AtomicIo } from '../src/node/index.js';
import { nodeIo } from '../src/node/atomic.js';
import { encodeModelBundle, ModelFileError, serializeModel } from '../src/save/index.js';

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

async function expectModelAt(dir: string, expected: Sequential): Promise<readonly string[]> {
  const loaded = await loadModel(dir, freshRegistry());
  expect(weightsOf(loaded.model)).toEqual(weightsOf(expected));
  return loaded.notices;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

const extras = { optimizer: { id: 'adam', config: { lr: 0.01 }, state: { count: 3, mu: { 'dense_1/kernel': randn([4, 6], { seed: 3 }) } } }, training: { epoch: 1 } };

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

/** The pid of a process that has exited (what a lock left by a killed save holds). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

/** Rewrites `dir`'s lock as if the process holding it had been killed. */
async function killLockHolder(dir: string): Promise<void> {
  const lock = join(dir, '.keel-lock');
  const holder = JSON.parse(await readFile(lock, 'utf8')) as Record<string, unknown>;
  await writeFile(lock, JSON.stringify({ ...holder, pid: deadPid() }));
}

type Step = 'writeFileSynced' | 'syncDirectory' | 'rename' | 'remove' | 'mkdir';
const STEPS: readonly Step[] = ['writeFileSynced', 'syncDirectory', 'rename', 'remove', 'mkdir'];

/** An io that records each call that changes the disk, as "step name-of-the-file". */
function recording(log: string[]): AtomicIo {
  const wrap = <K extends Step>(step: K): AtomicIo[K] =>
    ((...args: unknown[]) => {
      log.push(`${step} ${args.filter((a): a is string => typeof a === 'string').map((a) => a.split('/').pop()).join(' -> ')}`);
      return (nodeIo[step] as (...a: unknown[]) => Promise<unknown>)(...args);
    }) as AtomicIo[K];
  return { ...nodeIo, ...Object.fromEntries(STEPS.map((s) => [s, wrap(s)])) };
}

/**
 * An io whose `at`-th disk-changing call fails, or never returns (a process killed there):
 * 'before' the call takes effect, or 'after'. `reached` resolves when that call is made.
 */
function faulty(at: number, how: 'fail' | 'crash-before' | 'crash-after'): { io: AtomicIo; reached: Promise<void> } {
  let calls = 0;
  let signal!: () => void;
  const reached = new Promise<void>((resolve) => (signal = resolve));
  const wrap = <K extends Step>(step: K): AtomicIo[K] =>
    (async (...args: unknown[]) => {
      const real = (): Promise<unknown> => (nodeIo[step] as (...a: unknown[]) => Promise<unknown>)(...args);
      if (++calls !== at) return real();
      signal();
      if (how === 'fail') throw new Error('injected failure');
      if (how === 'crash-after') await real();
      return new Promise<never>(() => undefined);
    }) as AtomicIo[K];
  return { io: { ...nodeIo, ...Object.fromEntries(STEPS.map((s) => [s, wrap(s)])) }, reached };
}

describe('saveModel / loadModel', () => {
  it('round trips a model and its extras through a directory of one generation of files', async () => {
    const dir = join(await parentDir(), 'nested', 'mnist-model');
    const m = model(1);
    const state = { count: 3, mu: { 'dense_1/kernel': randn([4, 6], { seed: 3 }) } };
    const result = await saveModel(m, dir, { preprocessing: { scale: 1 / 255 }, optimizer: { id: 'adam', config: { lr: 0.01 }, state }, training: { epoch: 2, step: 40, seed: 7 } });
    expect(result.notices).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.1.safetensors', 'weights.1.safetensors']);
    const doc = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weights: string; optimizer: { state: string } };
    expect([doc.weights, doc.optimizer.state]).toEqual(['weights.1.safetensors', 'optimizer.1.safetensors']);
    const loaded = await loadModel(dir, freshRegistry());
    expect(loaded.notices).toEqual([]);
    expect(weightsOf(loaded.model)).toEqual(weightsOf(m));
    expect(loaded.preprocessing).toEqual({ scale: 1 / 255 });
    expect(loaded.training).toEqual({ epoch: 2, step: 40, seed: 7 });
    const mu = (loaded.optimizer?.state as { mu: Record<string, Tensor> }).mu['dense_1/kernel'];
    expect(Array.from(mu.values)).toEqual(Array.from(state.mu['dense_1/kernel'].values));
  });

  it('replaces a saved model with the next generation, leaving nothing else behind', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    await saveModel(model(1), dir, extras);
    const second = model(2);
    await saveModel(second, dir);
    await expectModelAt(dir, second);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.2.safetensors']);
    expect(await readdir(parent)).toEqual(['model']);
  });

  it('loads a directory saved with the canonical names (earlier Keel), and the next save replaces them', async () => {
    const dir = join(await parentDir(), 'model');
    await mkdir(dir);
    const old = model(1);
    for (const [name, bytes] of Object.entries(serializeModel(old, extras).files)) await writeFile(join(dir, name), bytes);
    expect(await expectModelAt(dir, old)).toEqual([]);
    const next = model(2);
    expect((await saveModel(next, dir, extras)).notices).toEqual([]); // the previous model's files are not leftovers
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.1.safetensors', 'weights.1.safetensors']);
    await expectModelAt(dir, next);
  });

  it('loads a one-file bundle given as a path', async () => {
    const file = join(await parentDir(), 'model.keel.safetensors');
    const m = model(4);
    await writeFile(file, encodeModelBundle(m));
    await expectModelAt(file, m);
  });

  it('model.json can only name generation files inside the directory', async () => {
    const dir = join(await parentDir(), 'model');
    await saveModel(model(1), dir);
    const doc = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
    for (const weights of ['../weights.1.safetensors', 'weights.01.safetensors', 'weights.1.safetensors/x', 'optimizer.1.safetensors']) {
      await writeFile(join(dir, 'model.json'), JSON.stringify({ ...doc, weights }));
      const error = await rejection(loadModel(dir, freshRegistry()));
      expect(error.message).toContain(`weights is ${JSON.stringify(weights)}, expected 'weights.safetensors' or 'weights.<n>.safetensors'`);
    }
  });
});

describe('atomic saves: a failure or a crash at any step leaves the previous or the new model', () => {
  /** The disk-changing calls of one save over an existing model. */
  async function stepsOfASave(): Promise<string[]> {
    const dir = join(await parentDir(), 'model');
    await saveModel(model(1), dir, extras);
    const log: string[] = [];
    await saveModel(model(2), dir, extras, { io: recording(log) });
    return log;
  }

  it('a save writes the new files, then renames model.json over the old one, then removes the old files', async () => {
    expect(await stepsOfASave()).toEqual([
      'writeFileSynced weights.2.safetensors',
      'writeFileSynced optimizer.2.safetensors',
      'writeFileSynced .model.json.2.saving',
      'syncDirectory model',
      'rename .model.json.2.saving -> model.json', // the commit point
      'syncDirectory model',
      'remove optimizer.1.safetensors',
      'remove weights.1.safetensors',
    ]);
  });

  it('a failure at each step: the save throws (or, after the commit, finishes); loading gives one complete model; nothing is left', async () => {
    const steps = await stepsOfASave();
    const commit = steps.findIndex((s) => s.startsWith('rename')) + 1;
    for (let at = 1; at <= steps.length; at++) {
      const parent = await parentDir();
      const dir = join(parent, 'model');
      const previous = model(1);
      const next = model(2);
      await saveModel(previous, dir, extras);
      const { io } = faulty(at, 'fail');
      const outcome = await saveModel(next, dir, extras, { io }).then(
        () => 'saved',
        (error: Error) => error.message,
      );
      expect(outcome, `failure at step ${at} (${steps[at - 1]})`).toBe(at <= commit + 1 ? 'injected failure' : 'saved');
      await expectModelAt(dir, at <= commit ? previous : next);
      // Loading cleaned up whatever the failed save could not; exactly one generation is left.
      expect((await readdir(dir)).sort()).toEqual(at <= commit ? ['model.json', 'optimizer.1.safetensors', 'weights.1.safetensors'] : ['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors']);
      expect(await readdir(parent)).toEqual(['model']);
    }
  });

  for (const how of ['crash-before', 'crash-after'] as const) {
    it(`a crash ${how === 'crash-before' ? 'before' : 'right after'} each step: loading gives one complete model, cleans up and says so`, async () => {
      const steps = await stepsOfASave();
      const commit = steps.findIndex((s) => s.startsWith('rename')) + 1;
      for (let at = 1; at <= steps.length; at++) {
        const dir = join(await parentDir(), 'model');
        const previous = model(1);
        const next = model(2);
        await saveModel(previous, dir, extras);
        const { io, reached } = faulty(at, how);
        void saveModel(next, dir, extras, { io }); // stops for good at step `at`, as if the process died there
        await reached;
        await killLockHolder(dir);
        const committed = at > commit || (at === commit && how === 'crash-after');
        const loaded = await loadModel(dir, freshRegistry());
        expect(weightsOf(loaded.model), `crash at step ${at} (${steps[at - 1]})`).toEqual(weightsOf(committed ? next : previous));
        expect(loaded.notices[0]).toMatch(/^took over the lock on .* which is no longer running$/);
        // Files of the uncommitted generation 2 are newer than those model.json names: they are kept
        // (model.json might have been replaced by an older copy) and said; the next save removes them.
        const left = (await readdir(dir)).filter((name) => !['model.json', 'optimizer.1.safetensors', 'weights.1.safetensors'].includes(name)).sort();
        if (committed) expect(left).toEqual(['optimizer.2.safetensors', 'weights.2.safetensors']);
        else if (left.length > 0) expect(loaded.notices[1]).toBe(`kept ${left.join(', ')} in ${dir}, newer than the files model.json names (weights.1.safetensors, optimizer.1.safetensors): left by a save that did not finish, or model.json was replaced by an older copy; the next save there removes them`);
        if (committed && loaded.notices.length > 1) expect(loaded.notices[1]).toMatch(/^removed .*: left by a save that did not finish$/);
        // and the next save works
        await saveModel(previous, dir, extras);
        await expectModelAt(dir, previous);
        const generation = (JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weights: string }).weights.split('.')[1];
        expect((await readdir(dir)).sort()).toEqual(['model.json', `optimizer.${generation}.safetensors`, `weights.${generation}.safetensors`]); // the save removed the rest
      }
    });
  }

  it('a crash during a first save leaves no model, or the complete one; never a partial one', async () => {
    const log: string[] = [];
    await saveModel(model(1), join(await parentDir(), 'model'), extras, { io: recording(log) });
    for (let at = 1; at <= log.length; at++) {
      const parent = await parentDir();
      const dir = join(parent, 'model');
      const { io, reached } = faulty(at, 'crash-before');
      void saveModel(model(1), dir, extras, { io });
      await reached;
      if (log[at - 1].startsWith('mkdir')) {
        expect((await rejection(loadModel(dir, freshRegistry()))).message).toBe(`no Keel model here: ${dir} does not exist`);
        continue;
      }
      await killLockHolder(dir);
      if (at <= log.findIndex((s) => s.startsWith('rename')) + 1) {
        const error = await rejection(loadModel(dir, freshRegistry()));
        const left = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort(); // loading removes nothing without model.json
        const held = left.length === 0 ? '' : `; it holds ${left.join(', ')}, from a save whose model.json was removed or never written (they are kept)`;
        expect(error.message).toBe(`not a Keel model directory: ${dir} has no model.json${held}`);
      } else {
        await expectModelAt(dir, model(1));
      }
    }
  });

  it('a first save that fails leaves nothing at the target', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    await rejection(saveModel(model(1), dir, {}, { io: faulty(1, 'fail').io }));
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses to replace a directory that is not a Keel model, or a file', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'photos');
    await mkdir(dir);
    await writeFile(join(dir, 'holiday.jpg'), 'not a model');
    const error = await rejection(saveModel(model(1), dir));
    expect(error.message).toBe(`refusing to replace ${dir}: it is not empty and has no model.json, so it is not a Keel model directory`);
    expect(await readdir(dir)).toEqual(['holiday.jpg']);
    expect((await readdir(parent)).sort()).toEqual(['photos']);

    const file = join(parent, 'file');
    await writeFile(file, 'x');
    expect((await rejection(saveModel(model(1), file))).message).toBe(`cannot save to ${file}: it exists and is not a directory`);

    const empty = join(parent, 'empty');
    await mkdir(empty);
    await saveModel(model(1), empty);
    expect((await stat(join(empty, 'model.json'))).isFile()).toBe(true);
  });
});

describe('the lock: one writer per model directory', () => {
  it('a second writer fails at once, naming the holder; after release it can save', async () => {
    const dir = join(await parentDir(), 'model');
    const lock = await lockModelDirectory(dir, { command: 'keel train' });
    const holder = JSON.parse(await readFile(join(dir, '.keel-lock'), 'utf8')) as { pid: number; hostname: string; command: string; started: string };
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'keel train' });
    const error = await rejection(saveModel(model(1), dir));
    expect(error).toBeInstanceOf(ModelDirectoryLockedError);
    expect(error.message).toBe(
      `${dir} is being written by keel train (pid ${process.pid}, started ${holder.started}); wait for it to finish or save somewhere else (if no such process is running (or pid ${process.pid} is now another program), delete ${join(dir, '.keel-lock')})`,
    );
    await saveModel(model(1), dir, {}, { lock }); // the holder saves with its lock
    await lock.release();
    expect(await readdir(dir)).toEqual(['model.json', 'weights.1.safetensors']);
    await saveModel(model(2), dir);
    await expectModelAt(dir, model(2));
  });

  it('a lock left by a process that is gone is taken over, with a notice', async () => {
    const dir = join(await parentDir(), 'model');
    await saveModel(model(1), dir);
    const pid = deadPid();
    await writeFile(join(dir, '.keel-lock'), JSON.stringify({ pid, hostname: hostname(), command: 'keel train', started: '2020-01-01T00:00:00.000Z', token: 'x' }));
    const result = await saveModel(model(2), dir);
    expect(result.notices).toEqual([`took over the lock on ${dir} from keel train (pid ${pid}, started 2020-01-01T00:00:00.000Z), which is no longer running`]);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.2.safetensors']);
  });

  it('a lock held on another host is never taken over', async () => {
    const dir = join(await parentDir(), 'model');
    await mkdir(dir);
    await writeFile(join(dir, '.keel-lock'), JSON.stringify({ pid: deadPid(), hostname: 'elsewhere', command: 'keel train', started: 'then', token: 'x' }));
    expect((await rejection(lockModelDirectory(dir))).message).toMatch(/is being written by keel train \(pid \d+ on elsewhere, started then\)/);
  });

  it('a lock that created its directory removes it again if nothing was saved', async () => {
    const parent = await parentDir();
    const lock = await lockModelDirectory(join(parent, 'model'));
    expect(await readdir(parent)).toEqual(['model']);
    await lock.release();
    expect(await readdir(parent)).toEqual([]);
  });

  it('loading while another process saves leaves the files it is writing alone', async () => {
    const dir = join(await parentDir(), 'model');
    const previous = model(1);
    await saveModel(previous, dir);
    const { io, reached } = faulty(2, 'crash-before'); // weights.2 written, model.json not yet
    void saveModel(model(2), dir, {}, { io });
    await reached;
    expect(await expectModelAt(dir, previous)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.keel-lock', 'model.json', 'weights.1.safetensors', 'weights.2.safetensors']);
  });
});

describe('saves by an earlier Keel that a crash interrupted', () => {
  async function legacyModelAt(dir: string, m: Sequential): Promise<void> {
    await mkdir(dir);
    for (const [name, bytes] of Object.entries(serializeModel(m).files)) await writeFile(join(dir, name), bytes);
  }

  it('no directory, the previous model set aside: loading puts it back and says so', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    const previous = model(1);
    await legacyModelAt(join(parent, '.model.old-0a1b2c'), previous);
    await legacyModelAt(join(parent, '.model.saving-XyZ123'), model(2));
    const notices = await expectModelAt(dir, previous);
    expect(notices).toEqual([
      `restored ${dir} from ${join(parent, '.model.old-0a1b2c')}, where an interrupted save (by an earlier Keel) had left the previous model`,
      `removed ${join(parent, '.model.saving-XyZ123')}, left beside ${dir} by an interrupted save (by an earlier Keel)`,
    ]);
    expect(await readdir(parent)).toEqual(['model']);
  });

  it('leftovers beside a model are removed by the next save', async () => {
    const parent = await parentDir();
    const dir = join(parent, 'model');
    await saveModel(model(1), dir);
    await legacyModelAt(join(parent, '.model.old-aaaaaa'), model(3));
    await mkdir(join(parent, '.model.saving-bbbbbb'));
    const { notices } = await saveModel(model(2), dir);
    expect(notices).toHaveLength(2);
    expect(await readdir(parent)).toEqual(['model']);
    expect(await recoverModelDirectory(dir)).toEqual([]);
  });
});

describe('loadModel: files that are not good models are named, and never hang', () => {
  async function savedDir(): Promise<string> {
    const dir = join(await parentDir(), 'model');
    await saveModel(model(1), dir, extras);
    return dir;
  }

  it('a directory without model.json', async () => {
    const dir = await parentDir();
    await writeFile(join(dir, 'notes.txt'), 'hello');
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toBe(`not a Keel model directory: ${dir} has no model.json`);
  });

  it('a directory that does not exist', async () => {
    const dir = join(await parentDir(), 'missing');
    expect((await rejection(loadModel(dir, freshRegistry()))).message).toBe(`no Keel model here: ${dir} does not exist`);
  });

  it('a weights file that is a FIFO, a device, a directory, empty, or too large', async () => {
    const dir = await savedDir();
    const weights = join(dir, 'weights.1.safetensors');
    const expectLoadError = async (message: string): Promise<void> => {
      const error = await rejection(loadModel(dir, freshRegistry()));
      expect(error).toBeInstanceOf(ModelFileError);
      expect(error.message).toBe(`${weights} ${message}`);
    };
    await rm(weights);
    execFileSync('mkfifo', [weights]);
    await expectLoadError('is a FIFO (named pipe), not a regular file; a saved model\'s files are regular files');
    await rm(weights);
    await symlink('/dev/zero', weights);
    await expectLoadError('is a device, not a regular file; a saved model\'s files are regular files');
    await rm(weights);
    await mkdir(weights);
    await expectLoadError('is a directory, not a regular file; a saved model\'s files are regular files');
    await rm(weights, { recursive: true });
    await writeFile(weights, '');
    await expectLoadError('is empty (0 bytes): the weights file was truncated, or its writing did not finish');
    await truncate(weights, 2 ** 31); // sparse: nothing is read
    await expectLoadError('is 2,147,483,648 bytes, more than the 2,147,483,647 a weights file may have');
  });

  it('a model.json that is too large or empty', async () => {
    const dir = await savedDir();
    const json = join(dir, 'model.json');
    await truncate(json, 64 * 1024 * 1024 + 1);
    expect((await rejection(loadModel(dir, freshRegistry()))).message).toBe(`${json} is 67,108,865 bytes, more than the 67,108,864 a model.json may have`);
    await writeFile(json, '');
    expect((await rejection(loadModel(dir, freshRegistry()))).message).toBe(`${json} is empty (0 bytes): the model.json was truncated, or its writing did not finish`);
  });

  it('a model given as a FIFO', async () => {
    const fifo = join(await parentDir(), 'model.keel.safetensors');
    execFileSync('mkfifo', [fifo]);
    expect((await rejection(loadModel(fifo, freshRegistry()))).message).toBe(`${fifo} is a FIFO (named pipe), not a regular file; a saved model's files are regular files`);
  });

  it('a corrupt model.json', async () => {
    const dir = await savedDir();
    await writeFile(join(dir, 'model.json'), '{"format": "keel.model", "formatVersion": 1, "dtype": "float32", "mod');
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/model\\.json: not valid JSON \\(.+\\); the file is corrupt$`));
  });

  it('a truncated weights file gets the safetensors error', async () => {
    const dir = await savedDir();
    const weights = join(dir, 'weights.1.safetensors');
    const size = (await stat(weights)).size;
    await truncate(weights, size - 100);
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/weights\\.1\\.safetensors: truncated: the header promises (\\d+) bytes of tensor data, the file has (\\d+) `));
    const [, promised, has] = /promises (\d+) bytes of tensor data, the file has (\d+)/.exec(error.message)!;
    expect(Number(promised) - Number(has)).toBe(100);
  });

  it('a weights file longer than its header says is refused, naming the file', async () => {
    const dir = await savedDir();
    const weights = join(dir, 'weights.1.safetensors');
    const size = (await stat(weights)).size;
    await truncate(weights, size + 2 ** 30); // a GiB of zeros appended (sparse)
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error.message).toMatch(
      new RegExp(`^${weights.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the file has \\d+ bytes of tensor data, but the header accounts for only \\d+ \\(1073741824 trailing bytes\\): it is damaged or was not written by Keel; save the model again$`),
    );
  });

  it('a missing optimizer file that model.json names', async () => {
    const dir = await savedDir();
    await rm(join(dir, 'optimizer.1.safetensors'));
    expect((await rejection(loadModel(dir, freshRegistry()))).message).toBe(`${dir}/model.json: says the optimizer state is in optimizer.1.safetensors, which is missing`);
  });
});

// A model directory's files are never removed unless model.json is valid and names files that are
// there, and never when newer than those; a damaged lock file, a path through /proc or a dangling
// symbolic link fail at once, saying what and where.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, installLayers, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { randn } from '@keel/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, lockModelDirectory, ModelDirectoryLockedError, recoverModelDirectory, saveModel } from '../src/node/index.js';
import { makeDirectory } from '../src/node/make-directory.js';

function freshRegistry(): Registry {
  const registry = new Registry({ name: 'test' });
  installLayers(registry);
  return registry;
}

function model(seed: number): Sequential {
  const m = new Sequential([new Dense({ units: 3 })], { inputShape: [2], registry: freshRegistry(), seed });
  m.build();
  return m;
}

const extras = { optimizer: { id: 'adam', config: { lr: 0.01 }, state: { count: 3, mu: { 'dense_1/kernel': randn([2, 3], { seed: 3 }) } } }, training: { epoch: 1 } };

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
  root = await mkdtemp(join(tmpdir(), 'keel-dir-safety-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function freshDir(): Promise<string> {
  const dir = join(root, `case-${counter++}`);
  await mkdir(dir);
  return dir;
}

/** A model saved twice to `dir` (files of generation 2), and model.json of the first save. */
async function savedTwice(): Promise<{ dir: string; firstJson: string }> {
  const dir = join(await freshDir(), 'model');
  await saveModel(model(1), dir, extras);
  const firstJson = await readFile(join(dir, 'model.json'), 'utf8');
  await saveModel(model(2), dir, extras);
  expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors']);
  return { dir, firstJson };
}

type Doc = Record<string, unknown> & { optimizer?: Record<string, unknown> };

async function editModelJson(dir: string, edit: (doc: Doc) => void): Promise<void> {
  const doc = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as Doc;
  edit(doc);
  await writeFile(join(dir, 'model.json'), JSON.stringify(doc));
}

describe('cleanup never removes the only copy of a model', () => {
  it('an older model.json put back: loading removes nothing and says model.json may be an older copy', async () => {
    const { dir, firstJson } = await savedTwice();
    await writeFile(join(dir, 'model.json'), firstJson);
    expect(await recoverModelDirectory(dir)).toEqual([]);
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error.message).toBe(
      `${dir}: model.json names weights.1.safetensors and optimizer.1.safetensors, which are missing; the directory has optimizer.2.safetensors, weights.2.safetensors from a later save: ` +
        'model.json may have been replaced by an older copy; put back the model.json that names them (nothing was removed)',
    );
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors']);
  });

  it('a model.json that is not valid (a typo in weights, weights not a string, garbage): nothing is removed', async () => {
    const edits: ((doc: Doc) => void)[] = [
      (doc) => (doc.weights = 'weights.2.safetensor'),
      (doc) => (doc.weights = 2),
      (doc) => (doc.model = null),
    ];
    for (const edit of edits) {
      const { dir } = await savedTwice();
      await writeFile(join(dir, 'weights.1.safetensors'), 'an older generation'); // removable only with a valid model.json
      await editModelJson(dir, edit);
      await rejection(loadModel(dir, freshRegistry()));
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.1.safetensors', 'weights.2.safetensors']);
    }
    const { dir } = await savedTwice();
    await writeFile(join(dir, 'model.json'), '{ not json');
    await rejection(loadModel(dir, freshRegistry()));
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors']);
  });

  it('optimizer.state null, or no optimizer section: the optimizer file of the same save is kept', async () => {
    for (const edit of [(doc: Doc) => (doc.optimizer!.state = null), (doc: Doc) => delete doc.optimizer]) {
      const { dir } = await savedTwice();
      await editModelJson(dir, edit);
      await loadModel(dir, freshRegistry()).catch(() => undefined); // (refused: the weights' fingerprint names the optimizer)
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors']);
    }
  });

  it('an older complete save put back over a newer one: it loads, and the newer files are kept and said', async () => {
    const dir = join(await freshDir(), 'model');
    await saveModel(model(1), dir, extras);
    const backup = await freshDir();
    for (const name of await readdir(dir)) await copyFile(join(dir, name), join(backup, name));
    await saveModel(model(2), dir, extras);
    for (const name of await readdir(backup)) await copyFile(join(backup, name), join(dir, name));
    const loaded = await loadModel(dir, freshRegistry());
    expect(loaded.notices).toEqual([
      `kept optimizer.2.safetensors, weights.2.safetensors in ${dir}, newer than the files model.json names (weights.1.safetensors, optimizer.1.safetensors): ` +
        'left by a save that did not finish, or model.json was replaced by an older copy; the next save there removes them',
    ]);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'optimizer.1.safetensors', 'optimizer.2.safetensors', 'weights.1.safetensors', 'weights.2.safetensors']);
  });

  it('no model.json: the tensor files are kept, and the error names them', async () => {
    const { dir } = await savedTwice();
    await rm(join(dir, 'model.json'));
    expect(await recoverModelDirectory(dir)).toEqual([]);
    const error = await rejection(loadModel(dir, freshRegistry()));
    expect(error.message).toBe(`not a Keel model directory: ${dir} has no model.json; it holds optimizer.2.safetensors, weights.2.safetensors, from a save whose model.json was removed or never written (they are kept)`);
    expect((await readdir(dir)).sort()).toEqual(['optimizer.2.safetensors', 'weights.2.safetensors']);
  });

  it('older files beside a valid model.json are still removed', async () => {
    const { dir } = await savedTwice();
    await writeFile(join(dir, 'weights.1.safetensors'), 'left by an earlier save');
    const loaded = await loadModel(dir, freshRegistry());
    expect(loaded.notices).toEqual([`removed weights.1.safetensors from ${dir}: left by a save that did not finish`]);
  });
});

describe('a damaged lock file', () => {
  const lockError = async (dir: string): Promise<ModelDirectoryLockedError> => {
    const error = await rejection(lockModelDirectory(dir));
    expect(error).toBeInstanceOf(ModelDirectoryLockedError);
    return error as ModelDirectoryLockedError;
  };

  it('a FIFO, /dev/zero, an empty file, garbage or a pid that names no process: refused at once, naming the file and how to remove it', async () => {
    const cases: [string, (path: string) => Promise<unknown>, string][] = [
      ['a FIFO', (path) => Promise.resolve(execFileSync('mkfifo', [path])), 'is a FIFO (named pipe), not a regular file; Keel writes it as a small file of JSON'],
      ['/dev/zero', (path) => symlink('/dev/zero', path), 'is a device, not a regular file; Keel writes it as a small file of JSON'],
      ['empty', (path) => writeFile(path, ''), 'is empty'],
      ['garbage', (path) => writeFile(path, 'xyz'), 'does not hold the JSON Keel writes (pid, hostname, command, started, token)'],
      ['too large', (path) => writeFile(path, ' '.repeat(10_000)), 'is 10,000 bytes, more than the 4,096 a lock file may have'],
      ['a link to nothing', (path) => symlink('/nonexistent/keel-lock', path), 'is a symbolic link to /nonexistent/keel-lock, which does not exist'],
      // kill(-1, 0) and kill(0, 0) succeed (process groups): such a lock was taken for one a live process holds
      ...[-1, 0, 2.5, '7', 2 ** 31].map((pid): [string, (path: string) => Promise<unknown>, string] => [
        `pid ${pid}`,
        (path) => writeFile(path, JSON.stringify({ pid, hostname: hostname(), command: 'keel train', started: 'then', token: 'abc' })),
        `names pid ${JSON.stringify(pid)}, which is not a process id (a whole number from 1 to 2147483647)`,
      ]),
    ];
    for (const [what, make, why] of cases) {
      const { dir } = await savedTwice();
      const lockPath = join(dir, '.keel-lock');
      await make(lockPath);
      const error = await lockError(dir);
      expect(error.message, what).toBe(`${dir} is locked by a damaged lock file: ${lockPath} ${why}; if no keel process is writing ${dir}, remove ${lockPath}`);
      // loading does not need the lock: it works, and cleans nothing up
      await loadModel(dir, freshRegistry());
    }
  });

  it('a holder on another host or a live pid: the message says how to remove the lock if it is stale', async () => {
    const { dir } = await savedTwice();
    const lockPath = join(dir, '.keel-lock');
    await writeFile(lockPath, JSON.stringify({ pid: 1, hostname: 'elsewhere', command: 'keel train', started: 'then', token: 'abc' }));
    expect((await lockError(dir)).message).toBe(
      `${dir} is being written by keel train (pid 1 on elsewhere, started then); wait for it to finish or save somewhere else (it cannot be checked from this host; if no keel process on elsewhere is writing ${dir}, delete ${lockPath})`,
    );
  });
});

describe('creating a model directory', () => {
  it('a path under /proc fails at once, naming it', async () => {
    const error = await rejection(lockModelDirectory('/proc/keel-no-such/model'));
    expect(error.message).toBe('cannot create the directory /proc/keel-no-such: /proc does not accept new directories');
    expect((await rejection(saveModel(model(1), '/proc/keel-no-such', extras))).message).toBe('cannot create the directory /proc/keel-no-such: /proc does not accept new directories');
  });

  it('a dangling symbolic link in the path is named as one', async () => {
    const parent = await freshDir();
    await symlink(join(parent, 'gone'), join(parent, 'dang'));
    const error = await rejection(saveModel(model(1), join(parent, 'dang', 'model'), extras));
    expect(error.message).toBe(`${join(parent, 'dang')} is a symbolic link to ${join(parent, 'gone')}, which does not exist`);
  });

  it('a file in the path is named', async () => {
    const parent = await freshDir();
    await writeFile(join(parent, 'file'), 'x');
    expect((await rejection(makeDirectory(join(parent, 'file', 'a', 'b')))).message).toBe(`${join(parent, 'file')} is a file, not a directory`);
  });

  it('creates every missing level, and says which one it created first', async () => {
    const parent = await freshDir();
    expect(await makeDirectory(join(parent, 'a', 'b', 'c'))).toBe(join(parent, 'a'));
    expect(await readdir(join(parent, 'a', 'b'))).toEqual(['c']);
    expect(await makeDirectory(join(parent, 'a', 'b', 'c'))).toBeUndefined();
  });
});

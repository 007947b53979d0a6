// `keel train --out`: checked and locked before training; concurrent runs; explicit overwrite;
// cleanup after interrupted saves is reported; unreadable model files are named.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, cliDir, jsonLines, keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-cli-save-'));
chmodSync(tmp, 0o755); // the permission tests run the CLI as an unprivileged user when the tests run as root

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An error: exit code 1, one `keel: ...` line on stderr, nothing on stdout (so nothing was trained). */
function expectRefused(result: RunResult, message: string): void {
  expect(result.stdout, result.stderr).toBe('');
  expect(result.stderr).toBe(`keel: ${message}\n`);
  expect(result.code).toBe(1);
}

let counter = 0;
function fresh(name: string): string {
  return join(tmp, `${counter++}-${name}`);
}

describe('train --out: checked before training', () => {
  it('refuses to replace a saved model without --overwrite, before training; --overwrite replaces it', async () => {
    const dir = fresh('model');
    const first = await keel(['train', 'xor', '--epochs', '2', '--out', dir, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(join(dir, 'model.json'));
    expectRefused(
      await keel(['train', 'xor', '--epochs', '1', '--layers', '4', '--out', dir]),
      `--out ${dir} already holds a model (task xor, 2 epochs); pass --overwrite to replace it, or choose another --out`,
    );
    expect(readFileSync(join(dir, 'model.json'))).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.3.safetensors', 'weights.3.safetensors']); // two epochs' saves and the final one

    const replaced = await keel(['train', 'xor', '--epochs', '1', '--layers', '4', '--out', dir, '--overwrite', '--json']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))).toMatchObject({ training: { epoch: 1 }, preprocessing: { run: { layers: [4] } } });

    // Resuming saves back to the model it resumes, with or without --out naming it.
    const resumed = await keel(['train', '--resume', dir, '--out', dir, '--epochs', '2', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))).toMatchObject({ training: { epoch: 2 } });
    // ... but --resume into another saved model needs --overwrite too.
    const other = fresh('other');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', other])).code).toBe(0);
    expectRefused(
      await keel(['train', '--resume', dir, '--out', other, '--epochs', '3']),
      `--out ${other} already holds a model (task xor, 1 epoch); pass --overwrite to replace it, or choose another --out`,
    );
  });

  it('a file, a path through a file, a directory of other files: refused before training, and left alone', async () => {
    const file = fresh('file');
    writeFileSync(file, 'mine');
    expectRefused(await keel(['train', 'xor', '--out', file]), `--out ${file} exists and is not a directory; choose a directory for the model (it is created if needed)`);
    expectRefused(
      await keel(['train', 'xor', '--out', join(file, 'model')]),
      `--out: ${file} is a file, not a directory; choose another --out`,
    );
    expect(readFileSync(file, 'utf8')).toBe('mine');
    const photos = fresh('photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'holiday.jpg'), 'not a model');
    expectRefused(
      await keel(['train', 'xor', '--out', photos, '--overwrite']),
      `--out ${photos}: it is not empty and has no model.json, so it is not a Keel model directory; choose another --out`,
    );
    expect(readdirSync(photos)).toEqual(['holiday.jpg']);
  });

  it('a --plot that cannot be written is refused before training too', async () => {
    const dir = fresh('plots');
    mkdirSync(dir);
    expectRefused(await keel(['train', 'xor', '--plot', dir]), `--plot ${dir} is a directory; give a file name such as ${join(dir, 'curves.svg')}`);
    const file = fresh('plot-parent');
    writeFileSync(file, 'x');
    expectRefused(await keel(['train', 'xor', '--plot', join(file, 'curves.svg')]), `--plot ${join(file, 'curves.svg')}: ${file} is a file, not a directory; choose another --plot`);
  });
});

describe('train --out: one run at a time', () => {
  it('three runs on one --out: the first trains, the other two fail at once naming it; its lock goes with it', async () => {
    const dir = fresh('contested');
    let firstPid = 0;
    let othersDone!: () => void;
    const othersFinished = new Promise<void>((resolve) => (othersDone = resolve));
    const others: Promise<RunResult>[] = [];
    // The first run holds --out from before its 'start' line until it exits; the others start
    // once that line is out, and when both have exited, the first is stopped with Ctrl-C.
    const first = keel(['train', 'xor', '--epochs', '1000000', '--out', dir, '--json'], {
      onLine: (line, child) => {
        if (firstPid !== 0 || !line.includes('"event":"start"')) return;
        firstPid = child.pid!;
        for (let i = 0; i < 2; i++) others.push(keel(['train', 'xor', '--epochs', '1', '--out', dir]));
        void Promise.all(others).then(() => {
          othersDone();
          child.kill('SIGINT');
        });
      },
    });
    const firstResult = await first;
    await othersFinished;
    expect(firstResult.code, firstResult.stderr).toBe(130);
    for (const result of await Promise.all(others)) {
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^keel: ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is being written by keel train \\(pid ${firstPid}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); wait for it or choose another --out \\(if no such process is running \\(or pid ${firstPid} is now another program\\), delete .*\\.keel-lock\\)\\n$`));
      expect(result.code).toBe(1);
    }
    expect(existsSync(join(dir, '.keel-lock'))).toBe(false);
    // The next run may save there (replacing the model the first one saved, if it got to save one).
    const next = await keel(['train', 'xor', '--epochs', '1', '--out', dir, '--overwrite', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect(jsonLines(next.stdout).at(-1)).toMatchObject({ event: 'done', modelDir: dir });
  });

  it('a lock left by a run that was killed is taken over, and said so', async () => {
    const dir = fresh('stale');
    mkdirSync(dir);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(join(dir, '.keel-lock'), JSON.stringify({ pid: dead.pid, hostname: (await import('node:os')).hostname(), command: 'keel train', started: '2020-01-01T00:00:00.000Z', token: 'old' }));
    const result = await keel(['train', 'xor', '--epochs', '1', '--out', dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(`keel: took over the lock on ${dir} from keel train (pid ${dead.pid}, started 2020-01-01T00:00:00.000Z), which is no longer running\n`);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors']);
  });
});

describe('what interrupted saves left is cleaned up, and said', () => {
  it('eval removes the files of an older save that did not finish, keeps newer ones (model.json may be an older copy), and says so', async () => {
    const dir = fresh('leftovers');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
    writeFileSync(join(dir, 'weights.1.safetensors'), 'half a file');
    writeFileSync(join(dir, '.model.json.1.saving'), '{');
    writeFileSync(join(dir, 'weights.7.safetensors'), 'maybe the newest model');
    const result = await keel(['eval', '--model', dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      `keel: removed .model.json.1.saving, weights.1.safetensors from ${dir}: left by a save that did not finish\n` +
        `keel: kept weights.7.safetensors in ${dir}, newer than the files model.json names (weights.2.safetensors, optimizer.2.safetensors): left by a save that did not finish, or model.json was replaced by an older copy; the next save there removes them\n`,
    );
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors', 'weights.7.safetensors']);
  });

  it('a model an earlier Keel left set aside (no directory at --out) is restored, so train --out refuses to replace it', async () => {
    const dir = fresh('legacy');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
    const aside = join(tmp, `.${dir.split('/').pop()!}.old-1a2b3c`);
    renameSync(dir, aside);
    expectRefused(
      await keel(['train', 'xor', '--out', dir]).then((r) => ({ ...r, stderr: r.stderr.replace(/^keel: restored .*\n/, '') })),
      `--out ${dir} already holds a model (task xor, 1 epoch); pass --overwrite to replace it, or choose another --out`,
    );
    expect(existsSync(aside)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'optimizer.2.safetensors', 'weights.2.safetensors']);
  });
});

describe('model files that cannot be read are named, with what to do', () => {
  /** Runs keel as an unprivileged user when the tests run as root (root reads everything). */
  function keelUnprivileged(args: readonly string[]): Promise<RunResult> {
    const asRoot = process.getuid?.() === 0;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: cliDir, stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  it('an unreadable model.json, and an unreadable directory, are "permission denied", not "no model.json"', async () => {
    const dir = fresh('locked');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
    chmodSync(join(dir, 'model.json'), 0o000);
    const file = await keelUnprivileged(['eval', '--model', dir]);
    expect(file.stderr).toBe(`keel: cannot read model.json ${dir}/model.json: permission denied (check the permissions of it and the directories above it)\n`);
    expect(file.code).toBe(1);
    chmodSync(join(dir, 'model.json'), 0o644);
    chmodSync(dir, 0o000);
    const directory = await keelUnprivileged(['eval', '--model', dir]);
    chmodSync(dir, 0o755);
    expect(directory.stderr).toBe(`keel: cannot read model.json ${dir}/model.json: permission denied (check the permissions of it and the directories above it)\n`);
    expect(directory.code).toBe(1);
  });

  it('--out in a directory this user cannot write is refused before training', async () => {
    const parent = fresh('read-only');
    mkdirSync(parent, { mode: 0o555 });
    chmodSync(parent, 0o555);
    const result = await keelUnprivileged(['train', 'xor', '--out', join(parent, 'model')]);
    expectRefused(result, `--out: cannot create the directory ${join(parent, 'model')}: permission denied (check the permissions of it and the directories above it); choose another --out`);
  });
});

// A model directory through the CLI: restoring an older model.json loses nothing; a damaged lock
// file, --out under /proc and a dangling symbolic link in --out fail at once, saying what and where.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-cli-dir-safety-'));
beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function fresh(name: string): string {
  return join(tmp, `${counter++}-${name}`);
}

function expectRefused(result: RunResult, message: string): void {
  expect(result.stdout, result.stderr).toBe('');
  expect(result.stderr).toBe(`keel: ${message}\n`);
  expect(result.code).toBe(1);
}

describe('model directories through the CLI', () => {
  it(
    'an older model.json put back: eval and train --resume remove nothing and say why',
    async () => {
      const dir = fresh('model');
      expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
      copyFileSync(join(dir, 'model.json'), join(tmp, 'backup.json'));
      expect((await keel(['train', '--resume', dir, '--epochs', '2'])).code).toBe(0);
      const files = readdirSync(dir).sort();
      copyFileSync(join(tmp, 'backup.json'), join(dir, 'model.json'));
      for (const args of [['eval', '--model', dir], ['train', '--resume', dir, '--epochs', '3']]) {
        const result = await keel(args);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr).toMatch(/model\.json names weights\.\d+\.safetensors( and optimizer\.\d+\.safetensors)?, which (is|are) missing; the directory has optimizer\.\d+\.safetensors, weights\.\d+\.safetensors from a later save: model\.json may have been replaced by an older copy/);
        expect(readdirSync(dir).sort()).toEqual(files);
      }
    },
  );

  it(
    'tensor files without model.json are not replaced without --overwrite',
    async () => {
      const dir = fresh('no-json');
      mkdirSync(dir);
      writeFileSync(join(dir, 'weights.5.safetensors'), 'the only copy');
      expectRefused(
        await keel(['train', 'xor', '--epochs', '1', '--out', dir]),
        `--out ${dir} has no model.json but holds weights.5.safetensors (a save that did not finish, or its model.json was removed); pass --overwrite to replace them, or choose another --out`,
      );
      expect(readdirSync(dir)).toEqual(['weights.5.safetensors']);
    },
  );

  it(
    'a FIFO or an empty file as the lock: train --out fails at once naming it; eval still works',
    async () => {
      for (const [what, make, why] of [
        ['FIFO', (path: string) => execFileSync('mkfifo', [path]), 'is a FIFO (named pipe), not a regular file; Keel writes it as a small file of JSON'],
        ['empty', (path: string) => writeFileSync(path, ''), 'is empty'],
      ] as const) {
        const dir = fresh(`lock-${what}`);
        expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
        const lockPath = join(dir, '.keel-lock');
        make(lockPath);
        expectRefused(
          await keel(['train', 'xor', '--epochs', '1', '--out', dir, '--overwrite']),
          `${dir} is locked by a damaged lock file: ${lockPath} ${why}; if no keel process is writing ${dir}, remove ${lockPath}, or choose another --out`,
        );
        expect((await keel(['eval', '--model', dir])).code, what).toBe(0);
      }
    },
  );

  it(
    '--out under /proc, or through a dangling symbolic link, is refused before training',
    async () => {
      expectRefused(await keel(['train', 'xor', '--epochs', '1', '--out', '/proc/keel-no-such']), '--out: cannot create the directory /proc/keel-no-such: /proc does not accept new directories; choose another --out');
      const link = fresh('dang');
      symlinkSync(join(tmp, 'gone'), link);
      expectRefused(await keel(['train', 'xor', '--epochs', '1', '--out', join(link, 'x')]), `--out: ${link} is a symbolic link to ${join(tmp, 'gone')}, which does not exist; choose another --out`);
    },
  );

  it('an older complete save put back beside a newer one: train --resume refuses before training and keeps both; --overwrite lets it replace them', async () => {
    const dir = fresh('model');
    const backup = fresh('backup');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
    mkdirSync(backup);
    for (const name of readdirSync(dir)) copyFileSync(join(dir, name), join(backup, name));
    expect((await keel(['train', '--resume', dir, '--epochs', '2'])).code).toBe(0);
    const newer = readdirSync(dir).filter((name) => name.endsWith('.safetensors')).sort();
    for (const name of readdirSync(backup)) copyFileSync(join(backup, name), join(dir, name));
    const refused = await keel(['train', '--resume', dir, '--epochs', '2']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(`--out ${dir} holds ${newer.join(', ')}, from a later save than its model.json names`);
    for (const name of newer) expect(readdirSync(dir)).toContain(name);
    const replaced = await keel(['train', '--resume', dir, '--epochs', '2', '--overwrite']);
    expect(replaced.code, replaced.stderr).toBe(0);
  });

  it('--plot through a hard link to a model file replaces the link, never the model file', async () => {
    const dir = fresh('model');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
    const json = execFileSync('cat', [join(dir, 'model.json')], { encoding: 'utf8' });
    const plot = join(tmp, `${counter++}-linked.svg`);
    execFileSync('ln', [join(dir, 'model.json'), plot]);
    const result = await keel(['train', 'xor', '--epochs', '1', '--plot', plot, '--overwrite']);
    expect(result.code, result.stderr).toBe(0);
    expect(execFileSync('cat', [join(dir, 'model.json')], { encoding: 'utf8' })).toBe(json);
    expect(execFileSync('head', ['-c', '200', plot], { encoding: 'utf8' })).toContain('<svg');
  });
});

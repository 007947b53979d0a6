import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const modules = fileURLToPath(new URL('../node_modules', import.meta.url));

describe('two copies of @keel/registry in one process', () => {
  it('are detected, reported with both locations, and share one default registry', () => {
    expect(existsSync(join(dist, 'index.js')), 'build @keel/registry first (pnpm build)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'keel-copies-'));
    try {
      cpSync(dist, join(dir, 'copy-a'), { recursive: true });
      cpSync(dist, join(dir, 'copy-b'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      symlinkSync(modules, join(dir, 'node_modules')); // the copies' own dependencies (semver)
      writeFileSync(
        join(dir, 'main.js'),
        `const a = await import('./copy-a/index.js');
         const b = await import('./copy-b/index.js');
         console.log(JSON.stringify({ copies: b.loadedCopies().length, same: a.defaultRegistry === b.defaultRegistry }));`,
      );
      const run = spawnSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ copies: 2, same: true });
      expect(run.stderr).toContain('KeelDuplicateRegistry');
      expect(run.stderr).toContain('@keel/registry is loaded 2 times in this process');
      expect(run.stderr).toContain('copy-a/default-registry.js');
      expect(run.stderr).toContain('copy-b/default-registry.js');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a single copy loads silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-copies-'));
    try {
      cpSync(dist, join(dir, 'only'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
      symlinkSync(modules, join(dir, 'node_modules')); // the copies' own dependencies (semver)
      writeFileSync(join(dir, 'main.js'), `const r = await import('./only/index.js'); console.log(r.loadedCopies().length);`);
      const run = spawnSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8' });
      expect(run.stdout.trim()).toBe('1');
      expect(run.stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

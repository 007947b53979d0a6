// What the published package ships must be self-contained: every file a shipped file names (a
// source map, the sources a map lists, the files the exports point at) is in the tarball, so stack
// traces and "go to definition" never lead to a file the user does not have. Packs the package as
// it would be published (build it first: pnpm build).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let work = '';
let unpacked = '';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(unpacked, join(entry.parentPath, entry.name)));
}

beforeAll(() => {
  if (!existsSync(join(packageDir, 'dist', 'vitest.js'))) throw new Error('packages/testkit/dist is missing: run pnpm build in packages/testkit first');
  work = mkdtempSync(join(tmpdir(), 'keel-testkit-pack-'));
  execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: packageDir, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball into ${work}`);
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
  unpacked = join(work, 'package');
});

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

it('names no file it does not ship: source maps, their sources, exported files', () => {
  const shipped = new Set(filesUnder(unpacked));
  const missing: string[] = [];
  for (const file of shipped) {
    const text = readFileSync(join(unpacked, file), 'utf8');
    const mapUrl = /\/\/# sourceMappingURL=(\S+)/.exec(text)?.[1];
    if (mapUrl !== undefined && !mapUrl.startsWith('data:')) {
      const target = relative(unpacked, resolve(unpacked, dirname(file), mapUrl));
      if (!shipped.has(target)) missing.push(`${file} names its source map ${target}`);
    }
    if (file.endsWith('.map')) {
      const map = JSON.parse(text) as { sources: string[]; sourceRoot?: string; sourcesContent?: unknown[] };
      for (const source of map.sources) {
        const target = relative(unpacked, resolve(unpacked, dirname(file), map.sourceRoot ?? '', source));
        if (!shipped.has(target)) missing.push(`${file} maps to ${target}`);
      }
    }
  }
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string> | string> };
  for (const [entry, conditions] of Object.entries(manifest.exports)) {
    for (const target of typeof conditions === 'string' ? [conditions] : Object.values(conditions)) {
      if (!shipped.has(relative(unpacked, resolve(unpacked, target)))) missing.push(`exports['${entry}'] points at ${target}`);
    }
  }
  expect(missing).toEqual([]);
  expect([...shipped].filter((f) => f.startsWith('src/'))).toEqual([]);
  expect(shipped.has('dist/vitest.js')).toBe(true);
  expect(shipped.has('README.md')).toBe(true);
});

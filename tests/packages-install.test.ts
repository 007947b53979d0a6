// Every published package must work on its own: pack it as npm would publish it, install the
// tarball into a fresh project outside the workspace with npm, then import it from JS and from TS.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** Packages that are published, a snippet using each one the way its README does, and what it prints. */
const packages: { dir: string; name: string; smoke: string; prints: unknown }[] = [
  {
    dir: 'packages/registry',
    name: '@keel/registry',
    smoke: `
      import { Registry, definePlugin } from '@keel/registry';
      const registry = new Registry();
      registry.use(definePlugin({ name: 'acme', version: '1.0.0', provides: { activation: [{ id: 'acme/swish' }] } }));
      let message = '';
      try { registry.resolve('activation', 'acme/swihs'); } catch (error) { message = (error as Error).message; }
      console.log(JSON.stringify({ list: registry.list('activation'), message }));
    `,
    prints: { list: ['acme/swish'], message: "unknown activation 'acme/swihs'; did you mean 'acme/swish'? registered: acme/swish" },
  },
  {
    dir: 'packages/data',
    name: '@keel/data',
    smoke: `
      import { twoMoons, xor } from '@keel/data';
      const moons = twoMoons({ n: 10, noise: 0.1, seed: 1 });
      console.log(JSON.stringify({ xor: Array.from(xor().y), moons: moons.shape }));
    `,
    prints: { xor: [0, 1, 1, 0], moons: [10, 2] },
  },
];

let project = '';

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'keel-install-'));
  const tarballs = packages.map(({ dir, name }) => {
    expect(existsSync(join(root, dir, 'dist')), `${name} has no dist/; run 'pnpm build' first`).toBe(true);
    const before = new Set(readdirSync(project));
    execSync(`pnpm pack --pack-destination ${JSON.stringify(project)}`, { cwd: join(root, dir), stdio: 'pipe' });
    const created = readdirSync(project).find((file) => file.endsWith('.tgz') && !before.has(file));
    if (created === undefined) throw new Error(`pnpm pack produced no tarball for ${name}`);
    return `./${created}`;
  });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'keel-consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: project, stdio: 'pipe' });
});

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe.each(packages)('$name installed from its tarball', ({ name, smoke, prints }) => {
  const file = `smoke-${name.replace(/[@/]/g, '_')}`;

  it('ships only dist, README and package.json, with types in its exports', () => {
    const manifest = JSON.parse(execFileSync('node', ['-p', `JSON.stringify(require('${name}/package.json'))`], { cwd: project, encoding: 'utf8' })) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    const installed = readdirSync(join(project, 'node_modules', ...name.split('/'))).sort();
    expect(installed).toEqual(['README.md', 'dist', 'package.json']);
  });

  it('imports and runs from plain JavaScript', () => {
    writeFileSync(join(project, `${file}.mjs`), smoke.replace(/ as Error/g, ''));
    const output = execFileSync(process.execPath, [`${file}.mjs`], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual(prints);
  });

  it('type-checks from TypeScript with the published declarations', () => {
    writeFileSync(join(project, `${file}.ts`), smoke);
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023,dom', `${file}.ts`];
    execFileSync(process.execPath, args, { cwd: project, encoding: 'utf8' });
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packageDirs = ['packages', 'apps', 'examples']
  .filter((group) => existsSync(join(root, group)))
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))
  .filter((dir) => existsSync(join(root, dir, 'src', 'version.ts')));

describe('src/version.ts', () => {
  it.each(packageDirs)('%s states the version in its package.json (run scripts/write-versions.mjs)', (dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string };
    const text = readFileSync(join(root, dir, 'src', 'version.ts'), 'utf8');
    expect(text).toContain(`export const VERSION = '${pkg.version}';`);
    expect(text).toContain(`export const PACKAGE_NAME = '${pkg.name}';`);
  });
});

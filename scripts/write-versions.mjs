#!/usr/bin/env node
// Writes src/version.ts in every workspace package from its package.json, so a plugin manifest
// can state its package's version without reading files at run time (which browsers cannot).
// Runs after `changeset version`; tests/versions.test.ts fails if a file is stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
for (const group of ['packages', 'apps', 'examples']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const pkgDir = join(dir, name);
    const file = join(pkgDir, 'src', 'version.ts');
    if (!existsSync(join(pkgDir, 'package.json')) || !existsSync(join(pkgDir, 'src'))) continue;
    const { name: pkgName, version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const text = `// Written by scripts/write-versions.mjs from package.json; do not edit.\nexport const PACKAGE_NAME = '${pkgName}';\nexport const VERSION = '${version}';\n`;
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      writeFileSync(file, text);
      console.log(`wrote ${file.slice(root.length)}`);
    }
  }
}

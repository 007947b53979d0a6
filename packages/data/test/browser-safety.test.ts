// The main entry must load in a browser: no static node: imports outside src/node, and the only way
// into src/node from the rest is the lazy import in plugin.ts (taken only when running in Node).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const browserFiles = files(src).filter((file) => !relative(src, file).startsWith('node'));

describe('browser entry', () => {
  it('has source files to check', () => {
    expect(browserFiles.map((file) => relative(src, file))).toContain('index.ts');
  });

  it.each(browserFiles.map((file) => relative(src, file)))('%s imports no node: module and nothing from src/node statically', (file) => {
    const text = readFileSync(join(src, file), 'utf8');
    expect(text).not.toMatch(/from\s+['"]node:/);
    expect(text).not.toMatch(/import\(\s*['"]node:/);
    expect(text).not.toMatch(/from\s+['"]\.{1,2}\/node\//);
  });
});

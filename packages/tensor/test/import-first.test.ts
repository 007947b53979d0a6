// Every module of the built package loads when it is the first thing a fresh Node process imports:
// no module depends on another having been loaded before it (the symptom of an import circle),
// and src has no import circle at all (type-only imports aside).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, sourceFiles } from './import-graph.js';

const src = fileURLToPath(new URL('../src', import.meta.url));
const dist = fileURLToPath(new URL('../dist', import.meta.url));

/** The built module of each source file (dist may also hold stale files of deleted sources: those are not the package). */
const modules = sourceFiles(src).map((file) => file.slice(src.length + 1).replace(/\.ts$/, '.js'));

describe('the modules of @keel/tensor', () => {
  it('src has no import circle', () => {
    expect(importCycles(sourceFiles(src), src)).toEqual([]);
  });

  it('each dist module can be imported first in a fresh Node process', () => {
    const missing = modules.filter((module) => !existsSync(`${dist}/${module}`));
    expect(missing, 'modules missing from dist: build first (pnpm turbo run build --filter=@keel/tensor)').toEqual([]);
    const failures: string[] = [];
    for (const module of modules) {
      const url = pathToFileURL(`${dist}/${module}`).href;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(url)});`], { encoding: 'utf8' });
      if (run.status !== 0) failures.push(`${module}: ${run.stderr.split('\n').find((line) => /Error/.test(line)) ?? run.stderr.trim()}`);
    }
    expect(failures).toEqual([]);
    expect(modules.length).toBeGreaterThan(50);
  });
});

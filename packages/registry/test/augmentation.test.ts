import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const fixture = fileURLToPath(new URL('./fixtures/augmentation/tsconfig.json', import.meta.url));

describe('module augmentation', () => {
  it('turns registered ids into type-checked names (the fixture compiles, its @ts-expect-error lines all fire)', () => {
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', fixture], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});

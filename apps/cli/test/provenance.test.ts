// A saved model meets other code: a plugin providing its ids that is not the one it was saved
// with (refused, naming both, unless --ignore-provenance), a newer compatible version (a note),
// and a resume without the plugin of its optimizer (named).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keel, oneErrorLine, requireBuiltCli } from './helpers.js';

const softish = './test/fixtures/acme-plugin.mjs';
const plain = './test/fixtures/acme-optimizer.mjs';
const tmp = mkdtempSync(join(tmpdir(), 'keel-provenance-'));
const model = join(tmp, 'softish');
beforeAll(async () => {
  requireBuiltCli();
  const trained = await keel(['train', 'xor', '--plugin', softish, '--activation', 'acme/softish', '--out', model]);
  expect(trained.code, trained.stderr).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The CLI's own @keel/tensor (a plugin outside the repo imports it by URL: the same module, not a copy). */
const tensorUrl = new URL('../../../packages/tensor/dist/index.js', import.meta.url).href;

/** A plugin module providing `acme/softish` (x/(1+|x|), like the fixture) under another plugin name or version. */
function softishFrom(name: string, version: string): string {
  const file = join(tmp, `${name.replace(/[@/]/g, '_')}-${version}.mjs`);
  writeFileSync(
    file,
    `import { abs, add, div } from '${tensorUrl}';
export const plugin = { name: '${name}', version: '${version}', provides: { activation: [{ id: 'acme/softish', description: 'x / (1 + |x|)',
  forward: (x) => div(x, add(abs(x), 1)), meta: { gain: 1, recommendedInitializer: 'glorotUniform', outputRange: [-1, 1], saturation: {}, kinks: [] } }] } };\n`,
  );
  return file;
}

describe('provenance of a saved model', () => {
  it('loads with the plugin it was saved with, and is refused with another that provides the same id', async () => {
    const same = await keel(['eval', '--model', model, '--plugin', softish]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toBe('');
    const other = softishFrom('@other/softish', '1.2.3');
    expect(oneErrorLine(await keel(['eval', '--model', model, '--plugin', other]))).toBe(
      `keel: ${join(model, 'model.json')}: activation 'acme/softish' was saved from @acme/keel-softish@1.2.3, but here it comes from @other/softish@1.2.3. ` +
        'The same weights would run through other code: install the package(s) it was saved with and use their plugin, or, if you know the code agrees, load anyway with --ignore-provenance',
    );
    const anyway = await keel(['predict', '--model', model, '--plugin', other, '--ignore-provenance', '--help']);
    expect(anyway.stdout).toContain('--ignore-provenance');
  });

  it('loaded without its plugin: one sentence naming the plugin and version it needs, then the flag to add', async () => {
    expect(oneErrorLine(await keel(['eval', '--model', model]))).toBe(
      `keel: ${join(model, 'model.json')}: this model needs plugins that are not installed: activation 'acme/softish' from @acme/keel-softish@1.2.3; load it with --plugin <module>`,
    );
  });

  it('--ignore-provenance loads it and says what it let through; a newer compatible version loads with a note', async () => {
    const other = softishFrom('@other/softish', '1.2.3');
    const anyway = await keel(['eval', '--model', model, '--plugin', other, '--ignore-provenance']);
    expect(anyway.code, anyway.stderr).toBe(0);
    expect(anyway.stderr).toBe(
      "keel: warning: activation 'acme/softish' was saved from @acme/keel-softish@1.2.3, but here it comes from @other/softish@1.2.3 (ignored as asked)\n",
    );
    const newer = await keel(['eval', '--model', model, '--plugin', softishFrom('@acme/keel-softish', '1.4.0')]);
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.stderr).toBe("keel: warning: activation 'acme/softish' was saved from @acme/keel-softish@1.2.3 and loads with 1.4.0, a newer compatible version\n");
    const major = await keel(['eval', '--model', model, '--plugin', softishFrom('@acme/keel-softish', '2.0.0')]);
    expect(oneErrorLine(major)).toContain('but 2.0.0 is installed (not compatible with 1.2.3)');
  });

  it('a plugin replacing a built-in id (override: true) is announced before the run', async () => {
    const file = join(tmp, 'relu-is-abs.mjs');
    writeFileSync(
      file,
      `import { abs } from '${tensorUrl}';
export const plugin = { name: '@att/relu-is-abs', version: '1.0.0', provides: { activation: [{ id: 'relu', override: true, description: '|x|',
  forward: (x) => abs(x), meta: { gain: 1, recommendedInitializer: 'heNormal', outputRange: [0, Infinity], saturation: {}, kinks: [0] } }] } };\n`,
    );
    const run = await keel(['train', 'xor', '--epochs', '1', '--plugin', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^keel: warning: activation 'relu' now comes from @att\/relu-is-abs@1\.0\.0, replacing @keel\/activations@\S+'s \(override: true\)\n/);
  });

  it("a resume without the plugin of the model's optimizer names the plugin model.json records", async () => {
    const dir = join(tmp, 'plain');
    const trained = await keel(['train', 'xor', '--plugin', plain, '--optimizer', 'acme/plain', '--epochs', '1', '--out', dir]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(oneErrorLine(await keel(['train', '--resume', dir, '--epochs', '2']))).toBe(
      `keel: the model in ${dir} was trained with optimizer 'acme/plain' from @acme/keel-plain@1.0.0, which is not installed; resume with --plugin <module> that provides it`,
    );
    const resumed = await keel(['train', '--resume', dir, '--epochs', '2', '--plugin', plain]);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});

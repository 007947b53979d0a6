// --plugin as a user outside the repo meets it: a package installed in their project (found from
// the current directory, even when ESM-only), and a plugin that brought its own copy of Keel.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, keel, requireBuiltCli, type RunResult } from './helpers.js';

const registryPackage = fileURLToPath(new URL('../../../packages/registry', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'keel-plugin-resolution-'));
beforeAll(requireBuiltCli);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A plugin as a plain manifest (what definePlugin returns), so it needs no Keel of its own. */
const manifest = (name: string) => `export const plugin = {
  name: '${name}',
  version: '1.0.0',
  provides: { activation: [{ id: 'acme/same', description: 'x', forward: (x) => x,
    meta: { gain: 1, recommendedInitializer: 'glorotUniform', outputRange: [-Infinity, Infinity], saturation: {}, kinks: [] } }] },
};\n`;

/** The one `keel: ...` line of a usage error (exit 2). */
function usageLine(result: RunResult): string {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
  return result.stderr.trimEnd();
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** A copy of @keel/registry (its package.json and dist) at `dir`: what npm installs in a project of its own. */
function registryCopy(dir: string): void {
  cpSync(join(registryPackage, 'package.json'), join(dir, 'package.json'));
  cpSync(join(registryPackage, 'dist'), join(dir, 'dist'), { recursive: true });
  symlinkSync(join(registryPackage, 'node_modules'), join(dir, 'node_modules'));
}

/** A project with its own @keel/registry and a plugin `name` in it that imports Keel as a peer, in `range`. */
function projectWithPeerPlugin(project: string, name: string, range: string): void {
  registryCopy(join(project, 'node_modules', '@keel', 'registry'));
  const pkg = join(project, 'node_modules', ...name.split('/'));
  write(join(pkg, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', exports: './index.js', peerDependencies: { '@keel/registry': range } }));
  write(join(pkg, 'index.js'), `import { definePlugin } from '@keel/registry';\n${manifest(name).replace('export const plugin = {', 'export const plugin = definePlugin({').replace(/};\n$/, '});\n')}`);
}

const registryVersion = (JSON.parse(readFileSync(join(registryPackage, 'package.json'), 'utf8')) as { version: string }).version;

describe('--plugin <package>', () => {
  it('is resolved from the current directory, as Node resolves an import there (an ESM-only package too)', async () => {
    const project = join(tmp, 'project');
    const pkg = join(project, 'node_modules', '@acme', 'keel-esm-only');
    write(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/keel-esm-only', version: '1.0.0', type: 'module', exports: { '.': { import: './index.js' } } }));
    write(join(pkg, 'index.js'), manifest('@acme/keel-esm-only'));
    const listed = await keel(['plugins', '--plugin', '@acme/keel-esm-only', '--kind', 'activation', '--json'], { cwd: join(project) });
    expect(listed.code, listed.stderr).toBe(0);
    expect(jsonLines(listed.stdout)).toContainEqual({ event: 'entry', kind: 'activation', id: 'acme/same', plugin: '@acme/keel-esm-only', version: '1.0.0' });
  });

  it('not installed anywhere: names where it looked and what to do', async () => {
    const result = await keel(['plugins', '--plugin', '@acme/not-installed'], { cwd: tmp });
    expect(usageLine(result)).toMatch(
      new RegExp(`^keel: --plugin @acme/not-installed: no such package, from ${tmp.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} or from keel's own install \\(.*\\); install it in your project \\(npm install @acme/not-installed\\) or pass its path$`),
    );
  });

  it('that loads its own copy of Keel is refused, naming both copies and the fix (peerDependencies)', async () => {
    const plugin = join(tmp, 'own-keel-plugin');
    write(join(plugin, 'package.json'), JSON.stringify({ name: '@acme/own-keel', version: '1.0.0', type: 'module', dependencies: { '@keel/registry': '*' } }));
    write(join(plugin, 'index.js'), `import { definePlugin } from '@keel/registry';\n${manifest('@acme/own-keel').replace('export const plugin = {', 'export const plugin = definePlugin({').replace(/};\n$/, '});\n')}`);
    // the plugin's own node_modules/@keel/registry: a second copy of the package
    const copy = join(plugin, 'node_modules', '@keel', 'registry');
    registryCopy(copy);
    const result = await keel(['plugins', '--plugin', join(plugin, 'index.js')], { cwd: tmp });
    const message = usageLine(result);
    expect(message).toContain(`--plugin ${join(plugin, 'index.js')}: it loads a second copy of Keel (@keel/registry `);
    expect(message).toContain(join(copy, 'dist', 'default-registry.js'));
    expect(message).toContain(join(registryPackage, 'dist', 'default-registry.js'));
    expect(message).toContain('list @keel/* under peerDependencies');
  });

  it("that lists @keel/* as peerDependencies gets this keel's Keel, though its project has a copy (a global keel, a plugin in a project)", async () => {
    const project = join(tmp, 'peer-project');
    projectWithPeerPlugin(project, '@acme/keel-peer', `^${registryVersion}`);
    const listed = await keel(['plugins', '--plugin', '@acme/keel-peer', '--kind', 'activation', '--json'], { cwd: project });
    expect(listed.code, listed.stderr).toBe(0);
    expect(jsonLines(listed.stdout)).toContainEqual({ event: 'entry', kind: 'activation', id: 'acme/same', plugin: '@acme/keel-peer', version: '1.0.0' });
  });

  it("whose peerDependencies range does not accept this keel's version is refused, naming both versions and where they are declared", async () => {
    const project = join(tmp, 'peer-nine-project');
    projectWithPeerPlugin(project, '@acme/keel-peer-nine', '^9.0.0');
    const message = usageLine(await keel(['plugins', '--plugin', '@acme/keel-peer-nine'], { cwd: project }));
    expect(message).toBe(
      `keel: --plugin @acme/keel-peer-nine: cannot import it (@acme/keel-peer-nine needs @keel/registry ^9.0.0 (peerDependencies in ${join(project, 'node_modules', '@acme', 'keel-peer-nine', 'package.json')}), ` +
        `but this keel runs @keel/registry ${registryVersion} (${registryPackage.replace(/\/$/, '')}); use a keel whose Keel packages fit (npm install @keel/cli in the project, or a matching global one), or a version of @acme/keel-peer-nine made for @keel/registry ${registryVersion})`,
    );
  });
});

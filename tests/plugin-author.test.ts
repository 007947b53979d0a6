// A plugin author's side of Keel, outside the repository and with Keel as npm publishes it (the
// packed tarballs): each example copied out and tested as a project of its own, and
// docs/plugin-guide.md followed as written — its files, taken from the page, in an empty folder,
// its commands run with a local and a global `keel`, and what it shows them printing compared
// with what they print.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmInstall, packedKeel, root, withKeelDependencies, type PackedPackage } from './packed-keel.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-plugin-author-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let packed: ReadonlyMap<string, PackedPackage> = new Map();
beforeAll(async () => {
  packed = await packedKeel();
});

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
}

function tarballOf(name: string): string {
  const pkg = packed.get(name);
  if (pkg === undefined) throw new Error(`${name} is not a published package of this repository`);
  return pkg.tarball;
}

/**
 * Installs the project in `dir` with its @keel/* dependencies taken from the tarballs, and,
 * through `overrides`, theirs too (none of them is on a registry). Peer ranges stay as written.
 * @keel/cli gets no override: nothing depends on it, and `npm install <its tarball>` would clash.
 */
function installWithPackedKeel(dir: string): void {
  const file = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  for (const deps of [manifest.dependencies, manifest.devDependencies]) {
    for (const name of Object.keys(deps ?? {})) if (name.startsWith('@keel/')) deps![name] = `file:${tarballOf(name)}`;
  }
  manifest.overrides = Object.fromEntries([...packed.values()].filter((pkg) => pkg.name !== '@keel/cli').map((pkg) => [pkg.name, `file:${pkg.tarball}`]));
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  npmInstall(dir);
}

/** Whether npm's caret range (^1.2.3, or several joined by ||) accepts `version`: 0.x fixes the minor, 0.0.x the patch. */
function caretAccepts(range: string, version: string): boolean {
  const have = version.split('.').map(Number);
  return range.split('||').some((part) => {
    const match = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(part);
    if (match === null) throw new Error(`peer range '${range}': write it as ^x.y.z (or several joined by ||)`);
    const want = match.slice(1).map(Number);
    const fixed = want[0] > 0 ? 0 : want[1] > 0 ? 1 : 2;
    if (want.slice(0, fixed + 1).some((v, i) => have[i] !== v)) return false;
    const i = want.findIndex((v, k) => v !== have[k]);
    return i === -1 || have[i] > want[i];
  });
}

/** Each @keel/* peer range of `manifest` that does not accept the version being packed, as 'name range (version)'. */
function stalePeerRanges(manifest: Manifest): string[] {
  return Object.entries(manifest.peerDependencies ?? {})
    .filter(([name]) => name.startsWith('@keel/'))
    .filter(([name, range]) => !caretAccepts(range, packed.get(name)!.version))
    .map(([name, range]) => `${name} ${range} (being released: ${packed.get(name)!.version})`);
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Run {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  if (result.error !== undefined) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function succeeds(result: Run, what: string): Run {
  expect(result.code, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

interface VitestReport {
  numPassedTests: number;
  numTotalTests: number;
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

/** Runs the project's `npm test` with vitest's JSON report; every test must pass, none skipped. */
function npmTest(dir: string): VitestReport {
  const output = join(dir, 'vitest-report.json');
  succeeds(run('npm', ['test', '--', '--reporter=json', `--outputFile=${output}`], dir), `npm test in ${dir}`);
  const report = JSON.parse(readFileSync(output, 'utf8')) as VitestReport;
  expect(report.numTotalTests).toBeGreaterThan(0);
  expect(report.numPassedTests).toBe(report.numTotalTests);
  return report;
}

describe.each(['plugin-signum', 'plugin-swish-beta'])('examples/%s, copied out of the repository', (example) => {
  const dir = join(tmp, example);

  beforeAll(() => {
    cpSync(join(root, 'examples', example), dir, { recursive: true, filter: (source) => !/[/\\](node_modules|dist|\.turbo)$/.test(source) });
    installWithPackedKeel(dir);
  });

  it('depends on Keel as a peer, in a range that accepts the versions being released', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'examples', example, 'package.json'), 'utf8')) as Manifest;
    expect(Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@keel/'))).toEqual([]);
    expect(Object.keys(manifest.peerDependencies ?? {}).length).toBeGreaterThan(0);
    expect(stalePeerRanges(manifest)).toEqual([]);
  });

  it('type-checks, builds and passes its own tests there', () => {
    succeeds(run('npm', ['run', 'typecheck'], dir), `npm run typecheck in ${dir}`);
    succeeds(run('npm', ['run', 'build'], dir), `npm run build in ${dir}`);
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
    npmTest(dir);
  });
});

// ——— docs/plugin-guide.md, as written ———

const guidePath = join(root, 'docs', 'plugin-guide.md');
const guide = readFileSync(guidePath, 'utf8');
const blocks = [...guide.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((match) => ({ info: match[1].trim(), body: match[2] }));

/** The files the guide gives in full: each block whose info string names one after the language (```ts src/snake.ts). */
const guideFiles = blocks.flatMap(({ info, body }) => {
  const [, path] = info.split(/\s+/);
  return path === undefined ? [] : [{ path, body }];
});

/** What the guide shows a command printing: the lines after `$ <command>` in a text block. */
const shownOutputs = new Map(
  blocks
    .filter(({ info, body }) => info === 'text' && body.startsWith('$ '))
    .map(({ body }) => {
      const [command, ...lines] = body.trimEnd().split('\n');
      return [command.slice(2), lines] as const;
    }),
);

/** Every command line of the guide: the lines of its sh blocks and the `$` lines of its text blocks. */
const guideCommands = [...new Set([...blocks.filter(({ info }) => info === 'sh').flatMap(({ body }) => body.split('\n').filter((line) => line !== '')), ...shownOutputs.keys()])];

/** The command line of the guide that is `prefix`, else the one that starts with it, as words. */
function guideCommand(prefix: string): string[] {
  const exact = guideCommands.filter((line) => line === prefix);
  const found = exact.length > 0 ? exact : guideCommands.filter((line) => line.startsWith(`${prefix} `));
  expect(found, `docs/plugin-guide.md should have one command '${prefix}' (or starting with it)`).toHaveLength(1);
  return found[0].split(' ');
}

/** What the guide shows `keel <args>` printing (run with npx or a global keel alike). */
function shownFor(args: readonly string[]): string[] {
  const lines = shownOutputs.get(`npx keel ${args.join(' ')}`) ?? shownOutputs.get(`keel ${args.join(' ')}`);
  if (lines === undefined) throw new Error(`docs/plugin-guide.md shows no output of 'keel ${args.join(' ')}'`);
  return lines;
}

/** The guide's project folder, as its messages show it. */
const GUIDE_PROJECT = '/home/you/acme-keel-extras';
const project = join(tmp, 'acme-keel-extras');

/** The test accuracy a keel command printed, in percent. */
function accuracyIn(stdout: string): number {
  const match = /test accuracy\s+([\d.]+)%/.exec(stdout);
  if (match === null) throw new Error(`no test accuracy in:\n${stdout}`);
  return Number(match[1]);
}

/**
 * The output matches what the guide shows: each line shown appears (`…` stands for lines left
 * out), except a test accuracy, which must be at least 85% (it varies with the backend).
 */
function expectShownOutput(stdout: string, shown: readonly string[]): void {
  const lines = stdout.split('\n');
  for (const line of shown) {
    if (line !== '…' && !/test accuracy/.test(line)) expect(lines, `the guide shows '${line}'`).toContain(line);
  }
  if (shown.some((line) => /test accuracy/.test(line))) expect(accuracyIn(stdout)).toBeGreaterThanOrEqual(85);
}

/** A fork that provides `acme/snake` too, installed in the project as `@fork/keel-snake`. */
function installFork(): void {
  const dir = join(project, 'node_modules', '@fork', 'keel-snake');
  mkdirSync(dir, { recursive: true });
  const range = (name: string): string => `^${packed.get(name)!.version}`;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: '@fork/keel-snake', version: '1.0.0', type: 'module', exports: './index.js', peerDependencies: { '@keel/registry': range('@keel/registry'), '@keel/tensor': range('@keel/tensor') } }),
  );
  writeFileSync(
    join(dir, 'index.js'),
    `import { declareOption, definePlugin, optionField } from '@keel/registry';
import { add, div, mul, sin, square } from '@keel/tensor';
// The same formula under the same id, from another package.
export const forkPlugin = definePlugin({ name: '@fork/keel-snake', version: '1.0.0', provides: { activation: [{
  id: 'acme/snake',
  description: 'snake, forked',
  options: { alpha: declareOption(optionField.number((v) => v > 0, '> 0'), 'the frequency', 1) },
  forward: (x, config) => add(x, div(square(sin(mul(x, config.alpha))), config.alpha)),
  meta: { gain: 1, recommendedInitializer: 'glorotNormal', outputRange: [-Infinity, Infinity], saturation: {}, kinks: [] },
}] } });
`,
  );
}

describe('docs/plugin-guide.md, followed as written in an empty folder', () => {
  beforeAll(() => {
    expect(guideCommand('mkdir acme-keel-extras')).toEqual(['mkdir', 'acme-keel-extras', '&&', 'cd', 'acme-keel-extras']);
    mkdirSync(project);
    for (const { path, body } of guideFiles) {
      mkdirSync(dirname(join(project, path)), { recursive: true });
      writeFileSync(join(project, path), body);
    }
    expect(guideCommands).toContain('npm install');
    installWithPackedKeel(project);
  });

  it('gives every file of a plugin package: manifest, TypeScript and vitest configs, sources, tests', () => {
    expect(guideFiles.map(({ path }) => path).sort()).toEqual(
      ['package.json', 'src/adabelief.ts', 'src/index.ts', 'src/snake.ts', 'test/conformance.test.ts', 'tsconfig.build.json', 'tsconfig.json', 'vitest.config.ts'].sort(),
    );
    const manifest = JSON.parse(guideFiles.find(({ path }) => path === 'package.json')!.body) as Manifest;
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    for (const name of Object.keys(manifest.peerDependencies ?? {})) expect(manifest.devDependencies?.[name], `${name} is a devDependency too`).toBe(manifest.peerDependencies![name]);
    expect(stalePeerRanges(manifest)).toEqual([]);
  });

  it('type-checks, and its tests pass with the suites and count the guide shows', () => {
    expect(guideCommand('npm run typecheck')).toEqual(['npm', 'run', 'typecheck']);
    succeeds(run('npm', ['run', 'typecheck'], project), 'npm run typecheck');
    const report = npmTest(project);
    const passed = report.testResults.flatMap((file) => file.assertionResults.filter((t) => t.status === 'passed').map((t) => [...t.ancestorTitles, t.title].join(' > ')));
    const shown = shownOutputs.get('npm test');
    expect(shown, 'the guide shows the output of npm test').toBeDefined();
    for (const line of shown!.filter((l) => l.startsWith('✓ '))) expect(passed).toContain(line.slice(2));
    const count = /^Tests {2}(\d+) passed \((\d+)\)$/.exec(shown!.at(-1)!);
    expect(count, "the guide's npm test output ends with its count").not.toBeNull();
    expect([report.numPassedTests, report.numTotalTests], `docs/plugin-guide.md shows '${shown!.at(-1)!}' for npm test`).toEqual([Number(count![1]), Number(count![2])]);
  });

  it('builds dist/ with declarations (npm run build)', () => {
    expect(guideCommand('npm run build')).toEqual(['npm', 'run', 'build']);
    succeeds(run('npm', ['run', 'build'], project), 'npm run build');
    for (const file of ['index.js', 'index.d.ts', 'snake.js', 'adabelief.js']) expect(existsSync(join(project, 'dist', file)), file).toBe(true);
  });

  const keels = [
    {
      where: 'a local keel (npm install --save-dev @keel/cli)',
      invoke: 'npx keel',
      install: (): string => {
        expect(guideCommand('npm install --save-dev')).toEqual(['npm', 'install', '--save-dev', '@keel/cli']);
        npmInstall(project, ['--save-dev', tarballOf('@keel/cli')]);
        return join(project, 'node_modules', '.bin', 'keel');
      },
    },
    {
      where: 'a global keel (npm install -g @keel/cli), run in the project',
      invoke: 'keel',
      install: (): string => {
        expect(guideCommand('npm install -g')).toEqual(['npm', 'install', '-g', '@keel/cli']);
        const prefix = join(tmp, 'global');
        npmInstall(tmp, ['-g', '--prefix', prefix, ...withKeelDependencies(packed, ['@keel/cli']).map((pkg) => pkg.tarball)]);
        return join(prefix, 'bin', 'keel');
      },
    },
  ];

  describe.each(keels)('with $where', ({ invoke, install }) => {
    let keel = '';
    let trainedAccuracy = 0;
    /** The guide's `keel <prefix>…` command for this keel (the npx one where the guide shows only that), as keel's arguments. */
    const args = (prefix: string): string[] => {
      const own = guideCommands.some((line) => line === `${invoke} ${prefix}` || line.startsWith(`${invoke} ${prefix} `));
      return own ? guideCommand(`${invoke} ${prefix}`).slice(invoke.split(' ').length) : guideCommand(`npx keel ${prefix}`).slice(2);
    };
    const keelRun = (words: readonly string[]): Run => run(keel, words, project);
    const inGuideTerms = (text: string): string => text.replaceAll(project, GUIDE_PROJECT);

    beforeAll(() => {
      keel = install();
      rmSync(join(project, 'models'), { recursive: true, force: true }); // each keel trains its own
    });

    it('trains MNIST with acme/snake and acme/adabelief and saves the model, which records the plugin', () => {
      const train = args('train mnist --plugin @acme/keel-extras --activation acme/snake:alpha=0.5');
      const result = succeeds(keelRun(train), `keel ${train.join(' ')}`);
      expect(result.stderr).toBe('');
      expectShownOutput(result.stdout, shownFor(train));
      trainedAccuracy = accuracyIn(result.stdout);
      const saved = JSON.parse(readFileSync(join(project, 'models', 'snake', 'model.json'), 'utf8')) as {
        model: { requires: unknown[] };
        preprocessing: { run: { activation: string; optimizer: string } };
      };
      const recorded = JSON.parse(blocks.find(({ info, body }) => info === 'json' && body.includes('"acme/snake"'))!.body) as unknown;
      expect(saved.model.requires).toContainEqual(recorded);
      expect(saved.preprocessing.run).toMatchObject({ activation: 'acme/snake', activationOptions: { alpha: 0.5 }, optimizer: 'acme/adabelief' });
    });

    it('refuses a misspelt setting before training, and describes the entry, as the guide shows', () => {
      const typo = args('train mnist --plugin @acme/keel-extras --activation acme/snake:alfa=0.5');
      const refused = keelRun(typo);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr.trimEnd().split('\n')).toEqual(shownFor(typo));
      const describe = args('plugins --plugin @acme/keel-extras --describe acme/snake');
      const described = succeeds(keelRun(describe), `keel ${describe.join(' ')}`);
      expect(described.stdout.trimEnd().split('\n')).toEqual(shownFor(describe));
    });

    it('evaluates the saved model with the plugin, to the accuracy it trained to', () => {
      const evaluate = args('eval --model models/snake --plugin @acme/keel-extras');
      const result = succeeds(keelRun(evaluate), `keel ${evaluate.join(' ')}`);
      expect(result.stderr).toBe('');
      expectShownOutput(result.stdout, shownFor(evaluate));
      expect(accuracyIn(result.stdout)).toBe(trainedAccuracy);
    });

    it('without the plugin: refuses, naming the plugin and version to install, as the guide shows', () => {
      const evaluate = args('eval --model models/snake');
      expect(evaluate).toEqual(['eval', '--model', 'models/snake']);
      const result = keelRun(evaluate);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toBe('');
      expect(inGuideTerms(result.stderr).trimEnd().split('\n')).toEqual(shownFor(evaluate));
    });

    it('with another package providing acme/snake: refuses, naming both, as the guide shows; --ignore-provenance loads it with a warning', () => {
      installFork();
      const other = args('eval --model models/snake --plugin @fork/keel-snake');
      expect(other).toEqual(['eval', '--model', 'models/snake', '--plugin', '@fork/keel-snake']);
      const refused = keelRun(other);
      expect(refused.code, refused.stderr).toBe(1);
      expect(inGuideTerms(refused.stderr).trimEnd().split('\n')).toEqual(shownFor(other));

      const anyway = args('eval --model models/snake --plugin @fork/keel-snake --ignore-provenance');
      const loaded = succeeds(keelRun(anyway), `keel ${anyway.join(' ')}`);
      expect(loaded.stderr.trimEnd().split('\n')).toEqual(shownFor(anyway));
      expect(accuracyIn(loaded.stdout)).toBe(trainedAccuracy); // the fork computes the same snake
    });
  });

  it('packs dist/ and package.json only (npm pack --dry-run); npm version bumps the version the plugin reports', () => {
    expect(guideCommand('npm pack --dry-run')).toEqual(['npm', 'pack', '--dry-run']);
    const [pack] = JSON.parse(succeeds(run('npm', ['pack', '--dry-run', '--json'], project), 'npm pack --dry-run').stdout) as [{ files: { path: string }[] }];
    const shipped = pack.files.map(({ path }) => path);
    expect(shipped.filter((path) => path !== 'package.json' && !path.startsWith('dist/'))).toEqual([]);
    expect(shipped).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts']));

    expect(guideCommand('npm version')).toEqual(['npm', 'version', 'minor']);
    succeeds(run('npm', ['version', 'minor'], project), 'npm version minor');
    const reported = run(process.execPath, ['--input-type=module', '-e', "const { extrasPlugin } = await import('@acme/keel-extras'); console.log(extrasPlugin.version);"], project);
    expect(succeeds(reported, 'the plugin after npm version').stdout.trim()).toBe('1.1.0');
  });
});

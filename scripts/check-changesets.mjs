#!/usr/bin/env node
// CI: every package whose shipped files changed since the last release is named by a pending
// changeset, so the version a saved model records says which code it ran. (`changeset status`
// alone only checks that some changeset exists.) Shipped files are the `changedFilePatterns` of
// .changeset/config.json; the last release is the last commit that wrote a CHANGELOG.md, which is
// what `pnpm version-packages` does.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const fail = (message) => {
  console.error(`check-changesets: ${message}`);
  process.exit(1);
};

if (git('rev-parse', '--is-shallow-repository') === 'true') fail('this clone is shallow, so the last release cannot be found; fetch the full history (git fetch --unshallow)');
const release = git('log', '-1', '--format=%H', '--', 'packages/*/CHANGELOG.md', 'apps/*/CHANGELOG.md');
if (release === '') fail('no release yet (no CHANGELOG.md in any package); run `pnpm version-packages` once');

// "dir/**" matches everything under dir; any other pattern is one file.
const { changedFilePatterns } = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8'));
const shipped = (path) => changedFilePatterns.some((p) => (p.endsWith('/**') ? path.startsWith(p.slice(0, -2)) : path === p));

const changedFiles = git('diff', '--name-only', release, 'HEAD').split('\n').filter(Boolean);
const changed = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const file = join(root, group, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const dir = `${group}/${name}/`;
    const files = changedFiles.filter((f) => f.startsWith(dir) && shipped(f.slice(dir.length)));
    if (pkg.private !== true && files.length > 0) changed.push({ name: pkg.name, files });
  }
}

// The packages the pending changesets name. (`changeset status` fails only when something changed
// and there is no changeset at all: then none is named.)
const out = mkdtempSync(join(tmpdir(), 'keel-changesets-'));
let named = new Set();
try {
  execFileSync('pnpm', ['exec', 'changeset', 'status', `--since=${release}`, `--output=${join(out, 'status.json')}`], { cwd: root, stdio: 'ignore' });
  const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'));
  named = new Set(status.changesets.flatMap((changeset) => changeset.releases.map((r) => r.name)));
} catch {
  // no changeset at all
} finally {
  rmSync(out, { recursive: true, force: true });
}

const missing = changed.filter((pkg) => !named.has(pkg.name));
if (missing.length > 0) {
  const list = missing.map((pkg) => `${pkg.name} (${pkg.files.slice(0, 3).join(', ')}${pkg.files.length > 3 ? ', …' : ''})`);
  fail(`changed since the release at ${release.slice(0, 8)} without a changeset naming them: ${list.join('; ')}. Add one (pnpm changeset, or a .changeset/*.md file) saying what changed for users`);
}
console.log(`check-changesets: ${changed.length} package(s) changed since the release at ${release.slice(0, 8)}, each named by a changeset`);

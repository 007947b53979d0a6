#!/usr/bin/env node
// CI: every package whose shipped files (src, native code, package.json, README: see
// changedFilePatterns in .changeset/config.json) changed since the last release has a changeset,
// so the version a saved model records says which code it ran. The last release is the last
// commit that wrote a CHANGELOG.md (what `pnpm version-packages` does).
import { execFileSync, spawnSync } from 'node:child_process';

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
if (git('rev-parse', '--is-shallow-repository') === 'true') {
  console.error('check-changesets: this clone is shallow, so the last release cannot be found; clone with full history (git fetch --unshallow)');
  process.exit(1);
}
const release = git('log', '-1', '--format=%H', '--', 'packages/*/CHANGELOG.md', 'apps/*/CHANGELOG.md');
if (release === '') {
  console.error('check-changesets: no release yet (no CHANGELOG.md in any package); run `pnpm version-packages` once');
  process.exit(1);
}
const status = spawnSync('pnpm', ['exec', 'changeset', 'status', `--since=${release}`], { stdio: 'inherit' });
if (status.status !== 0) {
  console.error(`check-changesets: a package changed since the release at ${release.slice(0, 8)} without a changeset: add one with \`pnpm changeset\` (or a .changeset/*.md file)`);
}
process.exit(status.status ?? 1);

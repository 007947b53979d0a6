#!/usr/bin/env node
// One-step set-up for a fresh machine that has only Node 20 and npm:
// obtains the pinned pnpm, installs the workspace and builds every package.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const wantedPnpm = pkg.packageManager.replace(/^pnpm@/, '');

function run(command, options = {}) {
  console.log(`\n> ${command}`);
  execSync(command, { stdio: 'inherit', cwd: root, ...options });
}

function version(command) {
  try {
    return execSync(`${command} --version`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Keel needs Node 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

if (version('pnpm') !== wantedPnpm) {
  // corepack is unreliable here (unsigned registry metadata), so install pnpm with npm.
  run(`npm install --global pnpm@${wantedPnpm}`);
  if (version('pnpm') !== wantedPnpm) {
    console.error(`Could not put pnpm ${wantedPnpm} on PATH; install it with 'npm i -g pnpm@${wantedPnpm}' and retry.`);
    process.exit(1);
  }
}

run(process.env.CI ? 'pnpm install --frozen-lockfile' : 'pnpm install');
run('pnpm run build');

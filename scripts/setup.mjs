#!/usr/bin/env node
// One-step set-up for a fresh machine that has only Node 20 and npm:
// installs the system packages Keel can use (Debian's chromium for the demo's browser tests,
// libopenblas-dev for the native backend) when apt is at hand, obtains the pinned pnpm, installs
// the workspace and builds every package.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

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

/** Debian packages: chromium drives the demo's end-to-end tests, libopenblas-dev the native backend. */
const SYSTEM_PACKAGES = ['chromium', 'libopenblas-dev'];

function installed(pkg) {
  try {
    return execSync(`dpkg-query -W -f='\${Status}' ${pkg}`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
  } catch {
    return false;
  }
}

function installSystemPackages() {
  if (process.env.KEEL_SKIP_APT === '1' || process.platform !== 'linux' || version('apt-get') === null) return;
  const missing = SYSTEM_PACKAGES.filter((p) => !installed(p));
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  let sudo = '';
  if (!root) {
    try {
      execSync('sudo -n true', { stdio: 'ignore' });
      sudo = 'sudo ';
    } catch {
      console.warn(`\nkeel setup: cannot install ${missing.join(', ')} (not root, no password-less sudo): install them with apt-get; until then the browser tests fail and the native backend is unavailable.`);
      return;
    }
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = `${sudo}apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  try {
    run(install, { env });
  } catch {
    // A fresh machine may have no package lists yet.
    run(`${sudo}apt-get update`, { env });
    run(install, { env });
  }
}

installSystemPackages();

// node-gyp builds the native backend offline against the installed Node headers, never downloading them.
if (process.env.npm_config_nodedir === undefined && existsSync('/usr/include/node/node_api.h')) process.env.npm_config_nodedir = '/usr';

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

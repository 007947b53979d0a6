import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What scripts/build-native.mjs --dry-run says in `env`: the checks of a build, writing nothing. */
export function buildDryRun(env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-native.mjs', import.meta.url)), '--dry-run'], { env, encoding: 'utf8' });
}

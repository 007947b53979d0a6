import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds the addon if its sources changed (never fails: the build records why it could not). */
export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-native.mjs', import.meta.url))], { stdio: 'inherit' });
}

// Keel as npm would publish it: every public package of packages/ and apps/, packed with
// `pnpm pack` (which turns workspace:* into real versions) once per test run, into the folder
// global-setup.ts made for the run, and shared by every test file that installs Keel outside the
// repository. The first file to ask packs; the others (in other workers too) wait for it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** Its folder in the repository, relative to the root: 'packages/registry'. */
  readonly dir: string;
  /** The absolute path of its tarball. */
  readonly tarball: string;
  /** The @keel/* packages it depends on (dependencies, not dev or peer). */
  readonly keelDependencies: readonly string[];
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

/** The published packages of the repository, by name. */
function publishedPackages(): { dir: string; manifest: Manifest }[] {
  return ['packages', 'apps']
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** The file name `pnpm pack` gives a package: '@keel/registry' 0.1.0 → 'keel-registry-0.1.0.tgz'. */
function tarballName(manifest: Manifest): string {
  return `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
}

/** Packs every package into `staging`, then renames it to `target` (so `target` is never half full). */
function packInto(runDir: string, target: string, packages: readonly { dir: string; manifest: Manifest }[]): void {
  const staging = mkdtempSync(join(runDir, 'staging-'));
  for (const { dir, manifest } of packages) {
    if (!existsSync(join(root, dir, 'dist'))) throw new Error(`${manifest.name} has no dist/ (${dir}); run 'pnpm build' first`);
    execFileSync('pnpm', ['pack', '--pack-destination', staging], { cwd: join(root, dir), stdio: 'pipe' });
    if (!existsSync(join(staging, tarballName(manifest)))) throw new Error(`pnpm pack in ${dir} made no ${tarballName(manifest)}`);
  }
  renameSync(staging, target);
}

/** Resolves when `target` or `failed` appears in `dir` (watched, so no polling); rejects with the packer's error. */
function packedByAnother(dir: string, target: string, failed: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (): boolean => {
      if (existsSync(failed)) reject(new Error(`another test file failed to pack Keel: ${readFileSync(failed, 'utf8')}`));
      else if (existsSync(target)) resolve();
      else return false;
      watcher.close();
      return true;
    };
    const watcher = watch(dir, settle);
    settle(); // it may have appeared before the watch began
  });
}

/**
 * Every published package, packed (once per run): the first caller claims the packing (an
 * atomic mkdir), the others wait for its tarballs. Each package needs its dist/: `pnpm build` first.
 */
export async function packedKeel(): Promise<ReadonlyMap<string, PackedPackage>> {
  const runDir = inject('keelPackDir');
  const packages = publishedPackages();
  const target = join(runDir, 'tarballs');
  const failed = join(runDir, 'failed');
  if (!existsSync(target)) {
    let claimed = false;
    try {
      mkdirSync(join(runDir, 'packing'));
      claimed = true;
    } catch {
      // another test file is packing
    }
    if (claimed) {
      try {
        packInto(runDir, target, packages);
      } catch (error) {
        writeFileSync(failed, String(error));
        throw error;
      }
    } else {
      await packedByAnother(runDir, target, failed);
    }
  }
  return new Map(
    packages.map(({ dir, manifest }) => [
      manifest.name,
      {
        name: manifest.name,
        version: manifest.version,
        dir,
        tarball: join(target, tarballName(manifest)),
        keelDependencies: Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@keel/')),
      },
    ]),
  );
}

/** `names` and every @keel/* package they depend on, directly or not. */
export function withKeelDependencies(packed: ReadonlyMap<string, PackedPackage>, names: readonly string[]): PackedPackage[] {
  const found = new Map<string, PackedPackage>();
  const visit = (name: string): void => {
    const pkg = packed.get(name);
    if (pkg === undefined) throw new Error(`${name} is not a published package of this repository`);
    if (found.has(name)) return;
    found.set(name, pkg);
    pkg.keelDependencies.forEach(visit);
  };
  names.forEach(visit);
  return [...found.values()];
}

/**
 * `npm install` in `cwd`, quietly, taking packages from npm's cache where it has them (the
 * external dependencies were fetched by earlier installs). Throws with npm's output on failure.
 */
export function npmInstall(cwd: string, args: readonly string[] = []): void {
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...args], { cwd, stdio: 'pipe' });
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder for this run's packed tarballs (global-setup.ts makes and removes it). */
    keelPackDir: string;
  }
}

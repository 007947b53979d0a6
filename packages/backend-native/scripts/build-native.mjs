#!/usr/bin/env node
// Builds build/Release/keel_native.node with node-gyp, offline. It never fails the build: when a
// C compiler, make, python3, Node's headers or the BLAS are missing it prints one line saying
// why, records the reason in build/keel-native-build.json (the package reports it as the reason
// 'native' is unavailable), leaves no addon behind, and exits 0.
//
//   node scripts/build-native.mjs [--force] [--dry-run]
//
// --force rebuilds even when the sources are unchanged; --dry-run runs the checks and writes nothing.
// Environment: KEEL_BLAS = openblas (default) | blis | mkl | <any CBLAS library name>, or in detail
// KEEL_BLAS_LIB, KEEL_BLAS_THREADS (openblas | blis | mkl | none), KEEL_BLAS_INCLUDE, KEEL_BLAS_LIBDIR;
// KEEL_NATIVE_SKIP=1 skips the build (and removes a built addon); npm_config_nodedir is set to where Node's headers are if unset.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const addon = join(root, 'build', 'Release', 'keel_native.node');
const statusFile = join(root, 'build', 'keel-native-build.json');
const force = process.argv.includes('--force');
const dryRun = process.argv.includes('--dry-run');
const env = process.env;

/** The BLAS to build against: a preset from KEEL_BLAS, refined by the detailed variables. */
function blasSettings() {
  const presets = {
    openblas: { lib: 'openblas', threads: 'openblas', package: 'libopenblas-dev' },
    blis: { lib: 'blis', threads: 'blis', package: 'libblis-dev' },
    mkl: { lib: 'mkl_rt', threads: 'mkl', package: 'libmkl-dev' },
  };
  const name = env.KEEL_BLAS || 'openblas';
  const preset = presets[name] ?? { lib: name, threads: 'none', package: undefined };
  return {
    lib: env.KEEL_BLAS_LIB || preset.lib,
    threads: env.KEEL_BLAS_THREADS || preset.threads,
    include: env.KEEL_BLAS_INCLUDE || '',
    libdir: env.KEEL_BLAS_LIBDIR || '',
    package: env.KEEL_BLAS_LIB ? undefined : preset.package,
  };
}

const blas = blasSettings();
if (!['openblas', 'blis', 'mkl', 'none'].includes(blas.threads)) {
  console.error(`@keel/backend-native: KEEL_BLAS_THREADS must be openblas, blis, mkl or none, got '${blas.threads}'`);
  process.exit(1);
}
const cc = env.CC || 'cc';

/** Runs a command quietly; { ok, output } (ENOENT and the like count as failures). */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, ...options });
  return { ok: result.status === 0, missing: result.error?.code === 'ENOENT', output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** A directory with include/node/node_api.h: npm_config_nodedir, else where this node lives, else /usr. */
function nodeHeaders() {
  const candidates = env.npm_config_nodedir ? [env.npm_config_nodedir] : [dirname(dirname(process.execPath)), '/usr', '/usr/local'];
  return candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
}

/** node-gyp: the devDependency, else the one npm or pnpm runs lifecycle scripts with, else PATH. */
function nodeGyp() {
  try {
    return [process.execPath, createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    if (env.npm_config_node_gyp && existsSync(env.npm_config_node_gyp)) return [process.execPath, env.npm_config_node_gyp];
    return run('node-gyp', ['--version']).ok ? ['node-gyp'] : undefined;
  }
}

const installHint = blas.package ? ` (apt-get install ${blas.package})` : '';

/** Compiles and links a one-call program against the BLAS: says what is missing, or undefined. */
function probeBlas() {
  const dir = mkdtempSync(join(tmpdir(), 'keel-native-probe-'));
  try {
    const header = blas.threads === 'mkl' ? 'mkl_cblas.h' : 'cblas.h';
    const source = `#include <${header}>\nint main(void) { float a = 2, b = 3, c = 0;\n` +
      '  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &c, 1);\n  return c == 6 ? 0 : 1; }\n';
    writeFileSync(join(dir, 'probe.c'), source);
    const args = [join(dir, 'probe.c'), '-o', join(dir, 'probe')];
    if (blas.include) args.push(`-I${blas.include}`);
    if (blas.libdir) args.push(`-L${blas.libdir}`, `-Wl,-rpath,${blas.libdir}`);
    args.push(`-l${blas.lib}`);
    const compiled = run(cc, args);
    if (!compiled.ok) {
      if (compiled.output.includes(`${header}: No such file`)) {
        return `${blas.package ? `${blas.package} missing` : `${header} not found`}${installHint || ' (set KEEL_BLAS_INCLUDE to its directory)'}`;
      }
      if (/cannot find -l/.test(compiled.output)) {
        return `cannot link -l${blas.lib}${installHint || ' (set KEEL_BLAS_LIBDIR to its directory)'}`;
      }
      return `a test program using ${header} and -l${blas.lib} does not compile: ${firstError(compiled.output)}`;
    }
    const ran = run(join(dir, 'probe'), []);
    return ran.ok ? undefined : `a test program linked with -l${blas.lib} does not run: ${firstError(ran.output) || 'wrong result'}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The most telling line of a tool's output. */
function firstError(output) {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /(fatal )?error[:\s]/i.test(line) && !line.startsWith('gyp ERR!')) ?? lines.find((line) => !line.startsWith('gyp')) ?? lines[0] ?? '';
}

/** Why the addon cannot be built here, or undefined if everything it needs is present. */
function missingTool(nodedir, gyp) {
  if (skip) return 'skipped (KEEL_NATIVE_SKIP=1)';
  if (process.platform === 'win32') return 'Windows is not supported yet (the build uses make and a POSIX C compiler)';
  const compiler = run(cc, ['--version']);
  if (!compiler.ok) return compiler.missing ? `no C compiler (${cc}; apt-get install build-essential)` : `the C compiler ${cc} does not run: ${firstError(compiler.output)}`;
  if (!run('make', ['--version']).ok) return 'make missing (apt-get install build-essential)';
  if (!env.PYTHON && !env.npm_config_python && !run('python3', ['--version']).ok) return 'python3 missing (node-gyp needs it; apt-get install python3)';
  if (nodedir === undefined) {
    return `Node's headers not found (no include/node/node_api.h under ${env.npm_config_nodedir ?? `${dirname(dirname(process.execPath))} or /usr`}; set npm_config_nodedir, or install the nodejs headers)`;
  }
  if (gyp === undefined) return 'node-gyp not found (install it, or build through npm or pnpm, which bundle it)';
  return probeBlas();
}

/** A hash of everything the addon is built from, so an unchanged build is skipped. */
function stamp() {
  const hash = createHash('sha256');
  hash.update(`${process.platform} ${process.arch} ${cc} ${JSON.stringify(blas)}\n`);
  hash.update(readFileSync(join(root, 'binding.gyp')));
  for (const file of readdirSync(join(root, 'native')).sort()) hash.update(`${file}\n`).update(readFileSync(join(root, 'native', file)));
  return hash.digest('hex').slice(0, 16);
}

function writeStatus(status) {
  mkdirSync(dirname(statusFile), { recursive: true });
  const temporary = `${statusFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(temporary, statusFile);
}

function previousStatus() {
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Records why there is no addon, and says so in one line. */
function unavailable(reason, currentStamp) {
  const line = `@keel/backend-native: addon not built: ${reason} — the 'native' backend is unavailable; Keel uses 'wasm' or 'js'`;
  if (dryRun) {
    console.log(`${line} (dry run)`);
    return;
  }
  rmSync(addon, { force: true });
  writeStatus({ ok: false, reason, stamp: currentStamp });
  console.log(line);
}

const currentStamp = stamp();
const previous = previousStatus();
const skip = env.KEEL_NATIVE_SKIP === '1';
if (!skip && !force && !dryRun && previous?.ok === true && previous.stamp === currentStamp && existsSync(addon)) process.exit(0);

const nodedir = nodeHeaders();
const gyp = nodeGyp();
const missing = missingTool(nodedir, gyp);
if (missing !== undefined) {
  unavailable(missing, currentStamp);
  process.exit(0);
}
if (dryRun) {
  console.log(`@keel/backend-native: everything needed is present (Node headers in ${nodedir}, -l${blas.lib}); a build would run node-gyp (dry run)`);
  process.exit(0);
}

const variables = [`--blas_lib=${blas.lib}`, `--blas_threads=${blas.threads}`, `--blas_include=${blas.include}`, `--blas_libdir=${blas.libdir}`];
const [command, ...prefix] = gyp;
const built = run(command, [...prefix, 'rebuild', ...variables], { cwd: root, env: { ...env, npm_config_nodedir: nodedir } });
if (!built.ok) {
  unavailable(`node-gyp failed: ${firstError(built.output)}`, currentStamp);
  process.exit(0);
}

// A library found at link time may still be missing at load time (another BLAS package, rpath).
const loaded = run(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(addon)}).blas())`]);
if (!loaded.ok) {
  unavailable(`the built addon does not load: ${firstError(loaded.output)}`, currentStamp);
  process.exit(0);
}
writeStatus({ ok: true, stamp: currentStamp, blas: loaded.output });
console.log(`@keel/backend-native: built build/Release/keel_native.node against ${loaded.output}`);

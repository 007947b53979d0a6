import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@keel/registry';
import { backendUnavailableReason, bestBackend, getBackend, setBackend, useRegistry } from '@keel/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddon } from '../src/addon.js';
import { installNativeBackend, nativeAvailability, nativeInfo, setNativeThreads } from '../src/index.js';
import { buildDryRun } from './build-script.js';

// Test files run isolated, and the package loads its addon on first use: pointing
// KEEL_NATIVE_ADDON at a missing file before that use is a machine without the addon.
const scratch = mkdtempSync(join(tmpdir(), 'keel-native-test-'));
process.env.KEEL_NATIVE_ADDON = join(scratch, 'missing', 'keel_native.node');
afterAll(() => {
  delete process.env.KEEL_NATIVE_ADDON;
  rmSync(scratch, { recursive: true, force: true });
});

describe('where the addon is missing or broken', () => {
  it('reports why, installs without throwing, and bestBackend() picks another backend', () => {
    const availability = nativeAvailability();
    expect(availability.available).toBe(false);
    const reason = availability.available ? '' : availability.reason;
    expect(reason).toMatch(/^addon not built: no .*keel_native\.node; run `node scripts\/build-native\.mjs` in @keel\/backend-native \(it needs a C compiler, python3 and libopenblas-dev\) — using 'wasm' or 'js' instead$/);
    const registry = new Registry({ name: 'no addon' });
    expect(() => installNativeBackend(registry, { threads: 1 })).not.toThrow();
    expect(registry.list('backend')).toContain('native');
    const previous = useRegistry(registry);
    try {
      expect(backendUnavailableReason('native')).toBe(reason);
      expect(bestBackend()).toBe('js');
      expect(() => setBackend('native')).toThrow(reason);
      expect(getBackend()).toBe('js');
    } finally {
      useRegistry(previous);
    }
    expect(nativeInfo().blas).toBeUndefined();
    expect(() => setNativeThreads(2)).not.toThrow();
  });

  it("passes on the build script's recorded reason", () => {
    const status = join(scratch, 'keel-native-build.json');
    writeFileSync(status, JSON.stringify({ ok: false, reason: 'libopenblas-dev missing (apt-get install libopenblas-dev)', stamp: 'x' }));
    expect(loadAddon({ file: join(scratch, 'missing.node'), status })).toEqual({ reason: 'addon not built: libopenblas-dev missing (apt-get install libopenblas-dev)' });
    writeFileSync(status, JSON.stringify({ ok: true, stamp: 'x' }));
    expect(loadAddon({ file: join(scratch, 'missing.node'), status }).reason).toMatch(/^addon not built: no .*missing\.node; run `node scripts/);
  });

  it('a file that is not a loadable addon is reported as such', () => {
    const bogus = join(scratch, 'bogus.node');
    writeFileSync(bogus, 'not an ELF file');
    expect(loadAddon({ file: bogus }).reason).toMatch(/^addon failed to load: .*(invalid ELF header|file too short)/);
  });
});

describe('the build script says why it cannot build, in one line, and never fails', () => {
  /**
   * An environment with stand-ins for the tools the build checks (make, python3, Node's headers)
   * and a C compiler that answers --version and fails compiles with `error` (gcc's wording), so
   * each case is tested the same way on any machine.
   */
  function toolchain(error: string): NodeJS.ProcessEnv {
    const bin = mkdtempSync(join(scratch, 'bin-'));
    const script = (name: string, body: string): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script('make', 'exit 0');
    script('python3', 'exit 0');
    script('cc', `if [ "$1" = "--version" ]; then echo "fake cc 1.0"; exit 0; fi\necho "${error}" >&2\nexit 1`);
    mkdirSync(join(bin, 'node', 'include', 'node'), { recursive: true });
    writeFileSync(join(bin, 'node', 'include', 'node', 'node_api.h'), '');
    return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, CC: join(bin, 'cc'), npm_config_nodedir: join(bin, 'node'), KEEL_BLAS: '', KEEL_BLAS_LIB: '', KEEL_NATIVE_SKIP: '' };
  }
  const line = (reason: string): string => `@keel/backend-native: addon not built: ${reason} — the 'native' backend is unavailable; Keel uses 'wasm' or 'js' (dry run)`;

  it('without the BLAS headers: libopenblas-dev missing, with the apt command', () => {
    const out = buildDryRun(toolchain('probe.c:1:10: fatal error: cblas.h: No such file or directory'));
    expect(out.trim()).toBe(line('libopenblas-dev missing (apt-get install libopenblas-dev)'));
  });

  it('without the library, with a BLAS that is not there, without a compiler, or when told to skip', () => {
    expect(buildDryRun(toolchain('/usr/bin/ld: cannot find -lopenblas: No such file or directory')).trim()).toBe(line('cannot link -lopenblas (apt-get install libopenblas-dev)'));
    const other = { ...toolchain('/usr/bin/ld: cannot find -lkeelnosuchblas: No such file or directory'), KEEL_BLAS: 'keelnosuchblas' };
    expect(buildDryRun(other).trim()).toBe(line('cannot link -lkeelnosuchblas (set KEEL_BLAS_LIBDIR to its directory)'));
    const noCompiler = { ...toolchain(''), CC: join(scratch, 'no-such-cc') };
    expect(buildDryRun(noCompiler)).toMatch(/addon not built: no C compiler \(.*no-such-cc; apt-get install build-essential\)/);
    expect(buildDryRun({ ...toolchain(''), KEEL_NATIVE_SKIP: '1' })).toMatch(/addon not built: skipped \(KEEL_NATIVE_SKIP=1\)/);
  });
});

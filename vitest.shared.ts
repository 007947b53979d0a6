import { defineProject, type TestProjectConfiguration } from 'vitest/config';

// Inside the workspace, packages import each other's TypeScript sources through the
// '@keel/source' export condition, so tests never run against a stale dist/.
const conditions = ['@keel/source', 'module', 'node', 'development|production'];

/**
 * The one time limit of Keel's tests: a guard against a hang, never a measure of speed. It is
 * generous on purpose — the suite must pass on a busy 2-core machine (load ~9), where a test
 * that takes 30 s alone can take several minutes. Correctness never depends on it: tests wait
 * for explicit signals (an event, an output line, a state attribute), not for time to pass.
 */
export const HANG_TIMEOUT_MS = 15 * 60_000;

/** The vitest project of one workspace package. */
export function keelProject(name: string, test: Record<string, unknown> = {}): TestProjectConfiguration {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: { name, include: ['test/**/*.test.ts'], testTimeout: HANG_TIMEOUT_MS, hookTimeout: HANG_TIMEOUT_MS, ...test },
  });
}

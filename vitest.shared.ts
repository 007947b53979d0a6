import { defineProject, type TestProjectConfiguration } from 'vitest/config';

// Inside the workspace, packages import each other's TypeScript sources through the
// '@keel/source' export condition, so tests never run against a stale dist/.
const conditions = ['@keel/source', 'module', 'node', 'development|production'];

/** The vitest project of one workspace package. */
export function keelProject(name: string, test: Record<string, unknown> = {}): TestProjectConfiguration {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: { name, include: ['test/**/*.test.ts'], ...test },
  });
}

import { defineConfig } from 'vitest/config';

// The project's own config, the same inside Keel's repository (where it is one of the test
// projects) and copied anywhere else. The timeout only guards against a hang: on a busy machine
// the XOR runs can take far longer than vitest's default 5 s.
export default defineConfig({
  test: { name: 'plugin-swish-beta', include: ['test/**/*.test.ts'], testTimeout: 15 * 60_000 },
});

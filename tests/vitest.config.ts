import { defineProject } from 'vitest/config';
import { HANG_TIMEOUT_MS } from '../vitest.shared.js';

export default defineProject({
  test: {
    name: 'workspace',
    include: ['**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    testTimeout: HANG_TIMEOUT_MS,
    hookTimeout: HANG_TIMEOUT_MS,
  },
});

import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keel/source'] },
  test: { name: 'registry', include: ['test/**/*.test.ts'] },
});

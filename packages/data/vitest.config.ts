import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keel/source'] },
  test: { name: 'data', include: ['test/**/*.test.ts'] },
});

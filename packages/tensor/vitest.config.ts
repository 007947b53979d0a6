import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keel/source'] },
  test: { name: 'tensor', include: ['test/**/*.test.ts'] },
});

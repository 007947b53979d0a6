import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@keel/source'] },
  // --expose-gc lets the memory test collect garbage before measuring the heap.
  test: { name: 'tensor', include: ['test/**/*.test.ts'], execArgv: ['--expose-gc'] },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests spawn node processes and write real files: on a loaded 2-core machine a test can take
    // far longer than vitest's 5 s default. This is a hang guard, not a performance check.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

import { defineConfig } from 'vitest/config';

// Every test file talks to the same PostgreSQL server, and one restarts it: run files one at a time.
export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

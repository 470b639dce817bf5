import { defineConfig } from 'vitest/config';

// No test measures time; the generous limit only keeps a slow, shared CI machine from failing a
// test that is merely waiting for DuckDB or a child process.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

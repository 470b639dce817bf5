import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One file at a time: the load and crash tests measure throughput and time kills on 2 cores.
    fileParallelism: false,
    // A guard against a hung child process only; no test asserts on time.
    testTimeout: 20 * 60_000,
    hookTimeout: 5 * 60_000,
    server: {
      deps: {
        // The built packages run as Node runs them for a user, not through Vite's module runner
        // (which stubs core's lazy import of its optional peer @xetrack/engine-sqlite).
        external: [/\/packages\/[\w-]+\/dist\//, /\/apps\/xt\/dist\//],
      },
    },
  },
});

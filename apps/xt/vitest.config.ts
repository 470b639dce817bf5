import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests spawn processes and the packaging test installs tarballs: give them time.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

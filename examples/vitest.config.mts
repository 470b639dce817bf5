import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each example is a whole `tsx` process; on a loaded 2-core machine one takes well over 5 s.
    testTimeout: 300_000,
  },
});

import { defineConfig } from 'vitest/config';

// Browser tests start Chromium and child processes on a shared 2-core machine: the timeout only
// guards against a hang, it is not a speed requirement.
export default defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false } });

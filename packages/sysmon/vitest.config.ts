import { defineConfig } from 'vitest/config';

// Tests run real one-second calls and child processes on a shared 2-core machine: the timeout
// only guards against a hang, it is not a speed requirement.
export default defineConfig({ test: { testTimeout: 120_000 } });

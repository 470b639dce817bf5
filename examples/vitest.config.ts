import { defineConfig } from 'vitest/config';

// Each example runs as its own process (tsx): on a loaded, shared machine that takes seconds. The
// limit only turns a hang into a failure; speed belongs to `pnpm bench`.
export default defineConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } });

/**
 * `@xetrack/engine-test-suite/memory-engine`: the reference engine alone, without vitest, for
 * reading, for tests of code that takes an engine, and as the start of a new engine.
 */
export { MemoryEngine, type MemoryEngineOptions } from './memory/memory-engine.js';
export { MemoryStore, type MemoryTable } from './memory/memory-store.js';
export { memoryEnginePlugin } from './memory/memory-plugin.js';

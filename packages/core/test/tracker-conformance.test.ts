import { trackerConformance } from '@xetrack/engine-test-suite';
import { memoryEnginePlugin, type MemoryStore } from '@xetrack/engine-test-suite/memory-engine';

// Tracker and Reader, tested in core on the reference engine: no database, so what fails here is
// core's (the engines run the same suite on their databases). Each test writes a store of its own.
const stores = new Map<string, MemoryStore>();
let used = 0;

trackerConformance('the memory reference engine', {
  engine: memoryEnginePlugin(stores),
  async newLocation() {
    const location = `memory://core-test-${++used}`;
    return { location, cleanup: async () => void stores.delete(location) };
  },
  async missingLocation() {
    return 'memory://never-written';
  },
});

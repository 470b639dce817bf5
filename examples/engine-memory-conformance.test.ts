// examples/engine-memory-conformance.test.ts
import { engineConformance, trackerConformance } from '@xetrack/engine-test-suite';
import { MemoryEngine, MemoryStore, memoryEnginePlugin } from '@xetrack/engine-test-suite/memory-engine';

// The contract, method by method, on a fresh store per test; two engines on one store stand for
// two connections. `skip` opts out of groups by name while an engine is unfinished: they are
// listed as skipped, with the reason.
engineConformance(
  'memory',
  {
    async create() {
      const store = new MemoryStore();
      return { engine: new MemoryEngine({ store }), openAnother: async () => new MemoryEngine({ store }) };
    },
  },
  { skip: [{ group: 'hostile-identifiers', reason: 'quoting is not written yet' }] },
);

// Tracker and Reader on top, through the plugin: each test gets a location (`memory://name`) of its own.
const stores = new Map<string, MemoryStore>();
let used = 0;
trackerConformance('memory', {
  engine: memoryEnginePlugin(stores),
  async newLocation() {
    const location = `memory://test-${++used}`;
    return { location, cleanup: async () => void stores.delete(location) };
  },
  async missingLocation() {
    return 'memory://never-written';
  },
});

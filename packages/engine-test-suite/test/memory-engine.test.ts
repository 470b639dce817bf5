import { engineConformance } from '../src/index.js';
import { MemoryEngine, MemoryStore } from '../src/memory.js';

// The suite run against an engine with one optional feature (transactions) and no second
// connection: every other optional group must be reported as skipped, with its reason.
engineConformance('memory (reference, one connection)', {
  async create() {
    return { engine: new MemoryEngine() };
  },
});

// Two engines on one store stand for two connections: the groups that need a second one run too.
engineConformance('memory (two connections to one store)', {
  async create() {
    const store = new MemoryStore();
    return { engine: new MemoryEngine({ store }), openAnother: async () => new MemoryEngine({ store }) };
  },
});

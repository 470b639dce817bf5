import { engineConformance } from '../src/index.js';
import { MemoryEngine } from './memory-engine.js';

// The suite run against an engine with no optional capability and no second connection: every
// optional group must be reported as skipped, with its reason.
engineConformance('memory (reference, no capabilities)', {
  async create() {
    return { engine: new MemoryEngine() };
  },
});

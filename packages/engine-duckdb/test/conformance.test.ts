import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { engineConformance } from '@xetrack/engine-test-suite';
import { duckdbEngine } from '../src/index.js';

// A file store: a second engine on the same file is the "another connection" of the shared groups.
engineConformance('duckdb (file)', {
  async create() {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-duckdb-conformance-'));
    const file = path.join(dir, 'track.duckdb');
    return {
      engine: await duckdbEngine.create({ path: file }),
      openAnother: () => duckdbEngine.create({ path: file }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  sqlPlaceholder: (i) => `$${i}`,
});

// One in-memory database per engine, so the groups needing a second connection are skipped
// (with the reason in their names).
engineConformance('duckdb (:memory:)', {
  async create() {
    return { engine: await duckdbEngine.create({ path: ':memory:' }) };
  },
});

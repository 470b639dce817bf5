import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { engineConformance } from '@xetrack/engine-test-suite';
import { sqliteEngine } from '../src/index.js';

engineConformance('sqlite (file)', {
  async create() {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-sqlite-conformance-'));
    const file = path.join(dir, 'track.db');
    return {
      engine: await sqliteEngine.create({ path: file }),
      openAnother: () => sqliteEngine.create({ path: file }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});

// One connection only: the concurrent groups are skipped, with the reason in their names.
engineConformance('sqlite (:memory:)', {
  async create() {
    return { engine: await sqliteEngine.create({ path: ':memory:' }) };
  },
});

// examples/engine-conformance.test.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { engineConformance } from '@xetrack/engine-test-suite';
import { sqliteEngine } from '@xetrack/engine-sqlite'; // your engine's plugin here

engineConformance('sqlite (file)', {
  async create() {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-conformance-'));
    const file = path.join(dir, 'track.db');
    return {
      engine: await sqliteEngine.create({ path: file }),
      openAnother: () => sqliteEngine.create({ path: file }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});

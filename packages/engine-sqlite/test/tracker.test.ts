import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trackerConformance } from '@xetrack/engine-test-suite';
import { sqliteEngine } from '../src/index.js';

trackerConformance('sqlite (file)', {
  engine: sqliteEngine,
  async newLocation() {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-tracker-'));
    return { location: path.join(dir, 'track.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  maxColumns: 2000,
  async missingLocation() {
    return path.join(tmpdir(), 'xt-missing', `${process.pid}-${Date.now()}`, 'none.db');
  },
});

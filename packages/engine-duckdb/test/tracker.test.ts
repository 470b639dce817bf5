import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trackerConformance } from '@xetrack/engine-test-suite';
import { duckdbEngine } from '../src/index.js';

trackerConformance('duckdb (file)', {
  engine: duckdbEngine,
  async newLocation() {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-duckdb-tracker-'));
    return { location: path.join(dir, 'track.duckdb'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  async missingLocation() {
    return path.join(tmpdir(), 'xt-duckdb-missing', `${process.pid}-${Date.now()}`, 'none.duckdb');
  },
});

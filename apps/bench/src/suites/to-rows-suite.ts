import { pairSuite } from '../pair-suite.js';
import { RawSqlite } from '../raw-sqlite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';
import type { EnginePair } from '../workloads.js';

/**
 * Reading one run back: `tracker.toRows()` against the driver's `SELECT * ... WHERE track_id = ?
 * ORDER BY timestamp` `.all()`, on one file built up front (raw inserts in the xetrack layout).
 */
export function toRowsSuite(pair: EnginePair): Suite {
  return pairSuite({
    name: `${pair.engine}.to-rows`,
    title: 'toRows() of one run (12 data columns)',
    baseline: `${pair.raw.label} SELECT * ... .all() into objects`,
    unit: 'ms',
    target: { of: 'ratio', op: '<=', value: 1.3 },
    size: { full: 100_000, quick: 5_000 },
    prepare(options, size) {
      const path = scratchPath(options.tmpDir, `${pair.engine}-to-rows`);
      const raw = RawSqlite.open(path);
      raw.fill(size, 1);
      raw.close();
      const measure = (read: typeof pair.ours.readRun) => async () => {
        const { timing, rows } = await read(path, 'run-0');
        if (rows !== size) throw new Error(`${pair.engine}.to-rows: read ${rows} rows, expected ${size}`);
        return timing;
      };
      return { ours: measure(pair.ours.readRun), raw: measure(pair.raw.readRun), dispose: () => removeDatabase(path) };
    },
  });
}

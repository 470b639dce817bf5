import { Reader } from '@xetrack/core';
import Database from 'better-sqlite3';
import { timeMs } from '../measure.js';
import { pairSuite } from '../pair-suite.js';
import { RawSqlite, TABLE } from '../raw-sqlite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';

const RUNS = { full: 10_000, quick: 100 };

/**
 * `reader.runs()` on a table of many runs (100 rows each, interleaved as parallel runs write them):
 * one line per run with its params and the last and best of two metrics, computed in the database.
 * `params: false` skips the params (a scan of every column). The baseline is the hand-written
 * `SELECT track_id, count(*), min(timestamp), max(timestamp) ... GROUP BY track_id` through the driver.
 */
function runsSuite(name: string, title: string, params: boolean): Suite {
  return pairSuite({
    name,
    title,
    baseline: 'better-sqlite3 GROUP BY track_id (count, min/max timestamp)',
    unit: 'ms',
    target: { of: 'ours', op: '<', value: 1000 },
    size: { full: RUNS.full * 100, quick: RUNS.quick * 100 },
    prepare(options, size) {
      const path = scratchPath(options.tmpDir, name);
      const raw = RawSqlite.open(path);
      raw.fill(size, size / 100);
      raw.close();
      const ours = async () => {
        const reader = await Reader.open(path);
        try {
          let count = 0;
          const timing = await timeMs(async () => (count = (await reader.runs({ params, metrics: { accuracy: 'max', loss: 'min' } })).length));
          if (count !== size / 100) throw new Error(`${name}: ${count} runs, expected ${size / 100}`);
          return timing;
        } finally {
          await reader.close();
        }
      };
      const baseline = async () => {
        const db = new Database(path, { readonly: true });
        try {
          let count = 0;
          const sql = `SELECT track_id, count(*), min(timestamp), max(timestamp) FROM "${TABLE}" GROUP BY track_id`;
          const timing = await timeMs(() => (count = db.prepare(sql).all().length));
          if (count !== size / 100) throw new Error(`${name} baseline: ${count} runs`);
          return timing;
        } finally {
          db.close();
        }
      };
      return { ours, raw: baseline, dispose: () => removeDatabase(path) };
    },
  });
}

export const runsSuites: readonly Suite[] = [
  runsSuite('sqlite.runs', 'reader.runs() with params and 2 metrics, 10,000 runs in 1,000,000 rows (12 columns)', true),
  runsSuite('sqlite.runs-no-params', 'reader.runs({ params: false }) with 2 metrics, same table', false),
];

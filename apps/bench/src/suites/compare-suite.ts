import Database from 'better-sqlite3';
import { compare, Reader } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { timeMs } from '../measure.js';
import { pairSuite } from '../pair-suite.js';
import { RawSqlite, TABLE } from '../raw-sqlite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';

const RUNS = { full: 1_000, quick: 20 };

/** The comparison: every run on both sides (half its rows each), five model groups, two metrics. */
const OPTIONS = {
  baseline: 'batch<32',
  candidate: 'batch>=32',
  groupBy: ['model'],
  metrics: ['accuracy:higher:1%:mean', 'loss:lower:5%'],
};

/**
 * `compare()` over 1,000 runs of 1,000 rows (1,000,000 rows) on SQLite: per group and side, each
 * run's mean accuracy and last loss aggregated in SQL, then a Mann-Whitney U test and a 2,000-draw
 * bootstrap per metric and group. The baseline runs only the four GROUP BY queries by hand with
 * better-sqlite3 (no statistics); the figure is judged on our time alone: under one second.
 */
export const compareSuite: Suite = pairSuite({
  name: 'sqlite.compare',
  title: 'compare() of 1,000 runs x 1,000 rows (5 groups, 2 metrics)',
  baseline: 'better-sqlite3: the per-run GROUP BY queries alone',
  unit: 'ms',
  target: { of: 'ours', op: '<', value: 1000 },
  size: { full: RUNS.full * 1000, quick: RUNS.quick * 1000 },
  prepare(options, size) {
    const path = scratchPath(options.tmpDir, 'sqlite-compare');
    const raw = RawSqlite.open(path);
    raw.fill(size, size / 1000);
    raw.close();
    return {
      async ours() {
        const reader = await Reader.open(path, { engine: sqliteEngine });
        try {
          let groups = 0;
          const timing = await timeMs(async () => {
            groups = (await compare(reader, OPTIONS)).groups.length;
          });
          if (groups !== 5) throw new Error(`sqlite.compare: ${groups} groups, expected 5`);
          return timing;
        } finally {
          await reader.close();
        }
      },
      async raw() {
        const db = new Database(path, { readonly: true });
        try {
          return await timeMs(() => {
            for (const side of ['batch < 32', 'batch >= 32']) {
              db.prepare(`SELECT model, track_id, AVG(accuracy) AS v FROM "${TABLE}" WHERE ${side} AND accuracy IS NOT NULL GROUP BY model, track_id`).all();
              db.prepare(
                `SELECT model, track_id, v FROM (SELECT model, track_id, loss AS v, ROW_NUMBER() OVER (PARTITION BY model, track_id ORDER BY timestamp DESC) AS rn FROM "${TABLE}" WHERE ${side} AND loss IS NOT NULL) WHERE rn = 1`,
              ).all();
            }
          });
        } finally {
          db.close();
        }
      },
      dispose: () => removeDatabase(path),
    };
  },
});

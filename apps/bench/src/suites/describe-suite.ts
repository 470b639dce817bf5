import Database from 'better-sqlite3';
import { timeMs } from '../measure.js';
import { pairSuite } from '../pair-suite.js';
import { TABLE, rawTimestamp } from '../raw-sqlite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';
import { timeProcesses, xtBinary } from './cli-startup.js';

/** 50 data columns, as an evaluation table has them: every tenth an integer, the others floats. */
const COLUMNS = Array.from({ length: 50 }, (_, i) => ({ name: `m${i}`, type: i % 10 === 9 ? 'INTEGER' : 'REAL' }));

/** Writes `count` rows of the 50 columns (spread over 100 runs) in one transaction, in xetrack's layout. */
function fill(path: string, count: number): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const definitions = COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ');
  db.exec(`CREATE TABLE "${TABLE}" (track_id TEXT, timestamp TEXT, ${definitions}, PRIMARY KEY (track_id, timestamp))`);
  const insert = db.prepare(
    `INSERT INTO "${TABLE}" VALUES (${Array(COLUMNS.length + 2)
      .fill('?')
      .join(', ')})`,
  );
  const values = new Array<unknown>(COLUMNS.length + 2);
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      values[0] = `run-${i % 100}`;
      values[1] = rawTimestamp(i);
      for (let c = 0; c < COLUMNS.length; c++) values[c + 2] = c % 10 === 9 ? (i * 7 + c) % 1000 : Math.sin(i + c) * 100;
      insert.run(values);
    }
  })();
  db.close();
}

/**
 * `xt stats describe` (count, mean, std, min, quartiles, max of every column) on 1,000,000 rows x 50
 * columns, as a whole process, against the raw SQL a user would write for the part SQL can do: one
 * better-sqlite3 query of count/avg/min/max of the same 50 columns. Target: within 3x of it.
 */
export const describeSuite: Suite = pairSuite({
  name: 'cli.stats-describe',
  title: 'xt stats describe, 50 columns, whole process',
  baseline: 'better-sqlite3 one SELECT of count/avg/min/max of the 50 columns',
  unit: 'ms',
  target: { of: 'ratio', op: '<=', value: 3 },
  size: { full: 1_000_000, quick: 20_000 },
  prepare(options, size) {
    const db = scratchPath(options.tmpDir, 'stats-describe');
    options.log(`cli.stats-describe: building ${size.toLocaleString('en-US')} rows x ${COLUMNS.length} columns`);
    fill(db, size);
    const xt = xtBinary();
    const aggregates = COLUMNS.map(({ name }) => `count("${name}"), avg("${name}"), min("${name}"), max("${name}")`).join(', ');
    return {
      ours: async () => timeProcesses([xt, 'stats', 'describe', db, '--json'], 1),
      raw: async () => {
        const raw = new Database(db, { readonly: true });
        try {
          return await timeMs(() => raw.prepare(`SELECT ${aggregates} FROM "${TABLE}"`).raw(true).get());
        } finally {
          raw.close();
        }
      },
      dispose: () => removeDatabase(db),
    };
  },
});

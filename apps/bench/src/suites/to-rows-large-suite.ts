import Database from 'better-sqlite3';
import { Reader } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { interleave, makeFigure, timeMs, type Timing } from '../measure.js';
import { RawSqlite, TABLE } from '../raw-sqlite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { BenchOptions, Figure, Suite } from '../suite.js';

/** Times `read` on a fresh reader of `path` (opening untimed) and checks how many rows it returned. */
function ours(path: string, expected: number, read: (reader: Reader) => Promise<unknown[]>) {
  return async (): Promise<Timing> => {
    const reader = await Reader.open(path, { engine: sqliteEngine });
    try {
      let rows = 0;
      const timing = await timeMs(async () => {
        rows = (await read(reader)).length;
      });
      if (rows !== expected) throw new Error(`to-rows on 1M rows: ours read ${rows} rows, expected ${expected}`);
      return timing;
    } finally {
      await reader.close();
    }
  };
}

/** The same query by hand: better-sqlite3 `.all()` into objects. */
function raw(path: string, expected: number, sql: string, params: unknown[]) {
  return async (): Promise<Timing> => {
    const db = new Database(path, { readonly: true });
    try {
      let rows = 0;
      const timing = await timeMs(() => {
        rows = db.prepare(sql).all(...params).length;
      });
      if (rows !== expected) throw new Error(`to-rows on 1M rows: raw read ${rows} rows, expected ${expected}`);
      return timing;
    } finally {
      db.close();
    }
  };
}

/**
 * Reading from a table of 1,000,000 rows (10,000 runs of 100 rows): `toRows()` of one run
 * (target: within 1.3x of the raw query) and `toRows({ where })` of every row of one model with
 * accuracy >= 0.9 (20,000 rows, in timestamp order; within 1.3x of the same SELECT by hand).
 */
export const toRowsLargeSuite: Suite = {
  name: 'sqlite.to-rows-large',
  async run(options: BenchOptions): Promise<Figure[]> {
    const size = options.quick ? 20_000 : 1_000_000;
    const runs = size / 100;
    const path = scratchPath(options.tmpDir, 'to-rows-large');
    options.log(`sqlite.to-rows-large: building ${size.toLocaleString('en-US')} rows in ${runs.toLocaleString('en-US')} runs`);
    const file = RawSqlite.open(path);
    file.fill(size, runs);
    file.close();
    try {
      const count = (sql: string, params: unknown[]) => {
        const db = new Database(path, { readonly: true });
        try {
          return (db.prepare(`SELECT count(*) AS n FROM "${TABLE}" WHERE ${sql}`).get(...params) as { n: number }).n;
        } finally {
          db.close();
        }
      };
      const run = `run-${runs >> 1}`;
      const runRows = count('track_id = ?', [run]);
      const whereRows = count('model = ? AND accuracy >= ?', ['mlp', 0.9]);
      const oneRun = await interleave(
        options.rounds,
        ours(path, runRows, (reader) => reader.toRows({ where: { track_id: run } })),
        raw(path, runRows, `SELECT * FROM "${TABLE}" WHERE track_id = ? ORDER BY timestamp`, [run]),
      );
      const filtered = await interleave(
        options.rounds,
        ours(path, whereRows, (reader) => reader.toRows({ where: { model: 'mlp', accuracy: { gte: 0.9 } } })),
        raw(path, whereRows, `SELECT * FROM "${TABLE}" WHERE model = ? AND accuracy >= ? ORDER BY timestamp`, ['mlp', 0.9]),
      );
      const baseline = 'better-sqlite3 SELECT * ... ORDER BY timestamp .all() into objects';
      return [
        makeFigure({
          name: 'sqlite.to-rows-large.one-run',
          title: `toRows() of one ${runRows}-row run in ${size.toLocaleString('en-US')} rows`,
          unit: 'ms',
          size,
          baseline,
          target: { of: 'ratio', op: '<=', value: 1.3 },
          samples: oneRun,
        }),
        makeFigure({
          name: 'sqlite.to-rows-large.where',
          title: `toRows({ where }) of ${whereRows.toLocaleString('en-US')} rows in ${size.toLocaleString('en-US')}`,
          unit: 'ms',
          size,
          baseline,
          target: { of: 'ratio', op: '<=', value: 1.3 },
          samples: filtered,
        }),
      ];
    } finally {
      removeDatabase(path);
    }
  },
};

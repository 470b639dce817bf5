import Database from 'better-sqlite3';
import { aggregateRows } from '@xetrack/core/engine';
import { expect, it } from 'vitest';
import { sqliteEngine } from '../src/index.js';

/**
 * aggregate() grouped by `track_id` alone with several first/last measures reads each run's first and
 * last rows once and joins them back by rowid; a NULL in those rows falls back to the measure's own
 * subquery. It must agree with core's fallback where that shortcut is most likely to go wrong: NULLs
 * at a run's ends, a NULL track_id (a group) and a NULL timestamp (sorted first), a where that drops
 * a run's end rows, and a column named `rowid` (the join then goes through `_rowid_`).
 */
it('first/last read from the end rows of each run agree with the fallback', async () => {
  for (const shadow of [false, true]) {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE t (track_id TEXT, timestamp TEXT, ${shadow ? 'rowid INTEGER, ' : ''}a REAL, s TEXT, PRIMARY KEY (track_id, timestamp))`);
    const ins = db.prepare(`INSERT INTO t (track_id, timestamp, a, s) VALUES (?, ?, ?, ?)`);
    const rows: [string | null, string | null, number | null, string | null][] = [
      ['r1', '1', null, 'x'],
      ['r1', '2', 2, null],
      ['r1', '3', 3, 'y'],
      ['r1', '4', null, null],
      [null, '1', 5, 'n'],
      [null, '2', 6, null],
      ['r2', null, 7, 'p'],
      ['r2', '1', null, 'q'],
      ['r2', '2', 9, null],
      ['r3', '5', null, null],
    ];
    for (const r of rows) ins.run(...r);
    const engine = await sqliteEngine.create({ database: db } as never);
    for (const where of [undefined, [{ column: 'a', op: 'is not null' as const }], [{ column: 's', op: '!=' as const, value: 'y' }]]) {
      const options = {
        where,
        groupBy: ['track_id'],
        measures: [
          { fn: 'count' as const, as: 'n' },
          { fn: 'min' as const, column: 'timestamp', as: 'first' },
          { fn: 'max' as const, column: 'timestamp', as: 'last' },
          { fn: 'first' as const, column: 'a', as: 'fa' },
          { fn: 'last' as const, column: 'a', as: 'la' },
          { fn: 'first' as const, column: 's', as: 'fs' },
          { fn: 'last' as const, column: 's', as: 'ls' },
          { fn: 'max' as const, column: 'a', as: 'ma' },
        ],
      };
      const ours = await engine.aggregate!('t', options);
      const fallback = await aggregateRows(engine, 't', options);
      expect(ours, `${shadow} ${JSON.stringify(where)}`).toEqual(fallback);
    }
    await engine.close();
  }
});

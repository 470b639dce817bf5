import { expect, it } from 'vitest';
import { isXetrackError, type CellValue, type Engine, type Row } from '@xetrack/core/engine';
import { declares, defineGroup, type EngineGroup, keyRow, rejection } from './engine-suite-context.js';

export const sqlGroup: EngineGroup = defineGroup({ name: 'sql', title: 'sql (rawSql)', unavailable: declares('rawSql') }, ({ engine, table, placeholder }) => {
  const sql = (query: string, params?: CellValue[]): Promise<Row[]> => (engine.sql as NonNullable<Engine['sql']>)(query, params);

  it('runs a query with positional parameters and returns its rows', async () => {
    await table('t', [{ name: 'n', type: 'integer' }], [keyRow(1, { n: 1 }), keyRow(2, { n: 2 }), keyRow(3, { n: 3 })]);
    const rows = await sql(`SELECT "n" FROM "t" WHERE "n" >= ${placeholder(1)} ORDER BY "n"`, [2]);
    expect(rows).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it('returns [] for a statement that returns no rows, and its effect is visible', async () => {
    await table('t', [{ name: 'n', type: 'integer' }], [keyRow(1, { n: 1 })]);
    expect(await sql(`UPDATE "t" SET "n" = ${placeholder(1)}`, [5])).toEqual([]);
    expect(await engine.select('t')).toEqual([keyRow(1, { n: 5 })]);
  });

  it('tables() does not list a table without track_id and timestamp', async () => {
    await engine.ensureColumns('tracked', []);
    expect(await sql('CREATE TABLE "assets" ("key" TEXT PRIMARY KEY, "value" BLOB)')).toEqual([]);
    expect(await engine.tables()).toEqual(['tracked']);
  });

  it('a failing statement rejects with a XetrackError and leaves the engine usable', async () => {
    const error = await rejection(sql('SELECT * FROM "no such table here"'));
    expect(isXetrackError(error)).toBe(true);
    await engine.ensureColumns('t', []);
    expect(await engine.tables()).toEqual(['t']);
  });
});

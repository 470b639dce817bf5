import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbEngine, type DuckdbEngine } from '../src/index.js';
import { keyRow, useTempDirs } from './support/temp-dirs.js';

const { tempDir, track } = useTempDirs();

const HOSTILE = ['"; DROP TABLE sentinel; --', 'we"ird', "it's", 'default', 'order', 'select', 'ключ 🎉', 'Ünïcödé', '"', 'a;b'];

/** Every table DuckDB has (schema, name), straight from its catalog. */
async function catalog(engine: DuckdbEngine): Promise<string[]> {
  const rows = await engine.sql("SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() ORDER BY 1");
  return rows.map((r) => r.t as string);
}

describe('hostile identifiers', () => {
  it('as table names make exactly those tables, and nothing else changes (duckdb_tables before and after)', async () => {
    const engine = track((await duckdbEngine.create({ path: path.join(tempDir(), 'h.duckdb') })) as DuckdbEngine);
    await engine.ensureColumns('sentinel', [{ name: 'v', type: 'integer' }]);
    await engine.insert('sentinel', [keyRow(1, { v: 1 })]);
    const before = await catalog(engine);
    expect(before).toEqual(['main.sentinel']);
    for (const table of HOSTILE) {
      await engine.ensureColumns(table, [{ name: table, type: 'text' }]);
      await engine.insert(table, [keyRow(1, { [table]: `${table}'); DROP TABLE sentinel; --` }), keyRow(2, { [table]: 'x' })]);
      await engine.insert(table, [keyRow(3, { [table]: table })]);
      expect(await engine.count(table, [{ column: table, op: '=', value: table }])).toBe(1);
      expect(await engine.update(table, { [table]: 'y' }, [{ column: table, op: 'in', value: ['x', table] }])).toBe(2);
      expect(await engine.delete(table, [{ column: table, op: '=', value: 'y' }])).toBe(2);
      expect((await engine.select(table, { columns: [table], orderBy: [{ column: table, desc: true }] })).map((r) => r[table])).toEqual([`${table}'); DROP TABLE sentinel; --`]);
    }
    const after = await catalog(engine);
    expect(after).toEqual(['main.sentinel', ...HOSTILE.map((t) => `main.${t}`)].sort());
    expect(await engine.tables()).toEqual(['sentinel', ...HOSTILE].sort());
    expect(await engine.select('sentinel')).toEqual([keyRow(1, { v: 1 })]);
  });

  it('names that differ only in ASCII case are one table and one column, as DuckDB matches them', async () => {
    const engine = track((await duckdbEngine.create({ path: ':memory:' })) as DuckdbEngine);
    await engine.ensureColumns('Runs', [{ name: 'Acc', type: 'float' }]);
    await engine.ensureColumns('RUNS', [{ name: 'acc', type: 'float' }]);
    await engine.insert('runs', [keyRow(1, { ACC: 0.5 }), keyRow(2, { acc: 0.25 })]);
    await engine.insert('runs', [keyRow(3, { aCc: 1 })]);
    expect(await engine.tables()).toEqual(['Runs']);
    expect(await engine.describe('runs')).toEqual([
      { name: 'track_id', type: 'text' },
      { name: 'timestamp', type: 'text' },
      { name: 'Acc', type: 'float' },
    ]);
    expect((await engine.select('rUnS', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.Acc)).toEqual([0.5, 0.25, 1]);
    // Non-ASCII letters are not folded: a different table.
    await engine.ensureColumns('É', []);
    await engine.ensureColumns('é', []);
    expect(await engine.tables()).toEqual(['Runs', 'É', 'é'].sort());
  });

  it('values that look like SQL are stored as data', async () => {
    const engine = track((await duckdbEngine.create({ path: ':memory:' })) as DuckdbEngine);
    await engine.ensureColumns('t', [{ name: 's', type: 'text' }]);
    const values = ["'); DROP TABLE t; --", '$1', '?', '\\x00', 'NULL'];
    await engine.insert(
      't',
      values.map((s, i) => keyRow(i, { s })),
    );
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.s)).toEqual(values);
    expect(await engine.count('t', [{ column: 's', op: '=', value: '?' }])).toBe(1);
  });
});

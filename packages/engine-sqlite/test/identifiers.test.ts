import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isXetrackError, type Engine, type Row } from '@xetrack/core/engine';
import { HOSTILE_NAMES } from '@xetrack/engine-test-suite';
import { sqliteEngine } from '../src/index.js';
import { q, useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

/** Everything in the schema: tables, indexes, triggers, views, with their SQL. */
async function schema(engine: Engine): Promise<string[]> {
  const rows = await (engine.sql as NonNullable<Engine['sql']>)('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');
  return rows.map((r) => JSON.stringify(r));
}

async function objectNames(engine: Engine): Promise<string[]> {
  const rows = await (engine.sql as NonNullable<Engine['sql']>)('SELECT name FROM sqlite_master ORDER BY name');
  return rows.map((r) => r.name as string);
}

/** SQLite matches identifiers case-insensitively for ASCII letters only. */
const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
/** What the engine must refuse: SQLite cannot carry these names intact. */
const unusable = (s: string) => s.length === 0 || s.includes('\0') || /[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));

describe('hostile identifiers, checked against sqlite_master', () => {
  const rowidNames = ['rowid', '_rowid_', 'oid', 'ROWID'];

  it('as table names: only the intended tables and their primary-key indexes appear, nothing is dropped', async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'h.db') });
    await engine.ensureColumns('sentinel', [{ name: 'v', type: 'integer' }]);
    await engine.insert('sentinel', [{ track_id: 's', timestamp: '1', v: 1 }]);
    const before = await objectNames(engine);
    const tables = [...HOSTILE_NAMES, 'rowid', 'sqlite', 'sqlitex', 'main', 'temp'];
    for (const t of tables) {
      await engine.ensureColumns(t, [{ name: 'v', type: 'integer' }]);
      await engine.insert(t, [{ track_id: 'a', timestamp: '1', v: 1 }]);
      expect(await engine.count(t), t).toBe(1);
    }
    const created = (await objectNames(engine)).filter((n) => !before.includes(n));
    expect(created.filter((n) => !n.startsWith('sqlite_autoindex_')).sort()).toEqual([...tables].sort());
    expect(created.filter((n) => n.startsWith('sqlite_autoindex_'))).toHaveLength(tables.length);
    expect((await objectNames(engine)).filter((n) => before.includes(n))).toEqual(before);
    expect(await engine.select('sentinel')).toEqual([{ track_id: 's', timestamp: '1', v: 1 }]);
    await engine.close();
  });

  it('as column names, including every name of the rowid: one column each, declared as asked', async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'h.db') });
    await engine.ensureColumns('sentinel', []);
    const before = await schema(engine);
    const columns = [...HOSTILE_NAMES, ...rowidNames.slice(0, 3)];
    await engine.ensureColumns(
      't',
      columns.map((name) => ({ name, type: 'text' as const })),
    );
    const after = await schema(engine);
    expect(
      after
        .filter((s) => !before.includes(s))
        .map((s) => (JSON.parse(s) as { name: string }).name)
        .sort(),
    ).toEqual(['sqlite_autoindex_t_1', 't'].sort());
    const info = await (engine.sql as NonNullable<Engine['sql']>)('SELECT name, type FROM pragma_table_info(?)', ['t']);
    expect(info).toEqual([{ name: 'track_id', type: 'TEXT' }, { name: 'timestamp', type: 'TEXT' }, ...columns.map((name) => ({ name, type: 'TEXT' }))]);
    // With rowid, _rowid_ and oid all shadowed, select and iterate fall back to plain ordering and paging.
    const rows: Row[] = Array.from({ length: 7 }, (_, i) => Object.fromEntries([['track_id', 'r'], ['timestamp', String(i)], ...columns.map((c) => [c, `${c}=${i}`])]));
    expect(await engine.insert('t', rows)).toBe(7);
    expect(await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).toEqual(rows);
    const seen: Row[] = [];
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('t', { orderBy: [{ column: 'oid', desc: true }] })) seen.push(row);
    expect(seen).toEqual([...rows].reverse());
    expect(await engine.update('t', { rowid: 'changed' }, [{ column: '_rowid_', op: '=', value: '_rowid_=3' }])).toBe(1);
    expect(await engine.count('t', [{ column: 'rowid', op: '=', value: 'changed' }])).toBe(1);
    expect(await schema(engine)).toEqual(after);
    await engine.close();
  });

  it('names SQLite cannot carry are refused with INVALID_IDENTIFIER, and nothing runs', async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'h.db') });
    await engine.ensureColumns('t', []);
    const before = await schema(engine);
    const refused = async (attempt: Promise<unknown>, what: string, code: 'INVALID_IDENTIFIER' | 'UNKNOWN_COLUMN' = 'INVALID_IDENTIFIER') => {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isXetrackError(error, code), `${what}: ${String(error)}`).toBe(true);
    };
    for (const bad of ['', 'nul\0"; DROP TABLE t; --', '\uD800', 'x\uDC00y']) {
      await refused(engine.ensureColumns(bad, []), `table ${JSON.stringify(bad)}`);
      await refused(engine.ensureColumns('t', [{ name: bad, type: 'text' }]), `column ${JSON.stringify(bad)}`);
      await refused(engine.insert('t', [{ track_id: 'a', timestamp: '1', [bad]: 1 }]), `insert column ${JSON.stringify(bad)}`);
      // Such a column cannot exist, so a filter on it names an unknown column.
      await refused(engine.select('t', { where: [{ column: bad, op: '=', value: 1 }] }), `filter ${JSON.stringify(bad)}`, 'UNKNOWN_COLUMN');
    }
    // Table names starting with sqlite_ are SQLite's; a column may be called that.
    await refused(engine.ensureColumns('sqlite_mine', []), 'table sqlite_mine');
    await refused(engine.ensureColumns('SQLITE_x', []), 'table SQLITE_x');
    await engine.ensureColumns('t', [{ name: 'sqlite_ok', type: 'text' }]);
    expect((await engine.describe('t')).map((c) => c.name)).toEqual(['track_id', 'timestamp', 'sqlite_ok']);
    const changed = (await schema(engine)).filter((s) => !before.includes(s));
    expect(changed.map((s) => (JSON.parse(s) as { name: string }).name)).toEqual(['t']);
    expect(await objectNames(engine)).toEqual(['sqlite_autoindex_t_1', 't']);
    await engine.close();
  });

  it('property: any table and column name round-trips or is refused, and no other object appears or goes', async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'prop.db') });
    await engine.ensureColumns('sentinel', []);
    const baseline = await schema(engine);
    const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
    const name = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.string({ unit: fc.oneof(fc.constantFrom('"', "'", ';', '-', ' ', '\\', '`', '[', ']', '\0', 'A', 'é'), lone), maxLength: 16 }),
      fc.constantFrom(...HOSTILE_NAMES, 'rowid', 'oid', 'sqlite_x', 'TRACK_ID', 'Timestamp'),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(name, name, async (table, column) => {
        runs++;
        const value = `v:${column}`;
        const reservedTable = fold(table).startsWith('sqlite_');
        const keyColumn = fold(column) === 'track_id' || fold(column) === 'timestamp';
        const create = engine.ensureColumns(table, [{ name: column, type: 'text' }]).then(
          () => undefined,
          (e: unknown) => e,
        );
        const error = await create;
        if (unusable(table) || reservedTable || unusable(column)) {
          expect(isXetrackError(error, 'INVALID_IDENTIFIER'), String(error)).toBe(true);
          expect(await schema(engine)).toEqual(baseline);
          return;
        }
        expect(error).toBeUndefined();
        const columns = (await engine.describe(table)).map((c) => c.name);
        expect(columns).toEqual(keyColumn ? ['track_id', 'timestamp'] : ['track_id', 'timestamp', column]);
        if (!keyColumn) {
          const row: Row = Object.fromEntries([
            ['track_id', 'id'],
            ['timestamp', 'ts'],
            [column, value],
          ]);
          expect(await engine.insert(table, [row])).toBe(1);
          const back = await engine.select(table, { where: [{ column, op: '=', value }], columns: [column] });
          expect(back.map((r) => Object.entries(r))).toEqual([[[column, value]]]);
        }
        const objects = (await schema(engine)).filter((s) => !baseline.includes(s)).map((s) => JSON.parse(s) as { name: string; tbl_name: string });
        expect(objects.map((o) => o.tbl_name)).toEqual([table, table]);
        expect(objects.map((o) => o.name).sort()).toEqual([table, `sqlite_autoindex_${table}_1`].sort());
        expect(await engine.tables()).toEqual(['sentinel', table].sort());
        await (engine.sql as NonNullable<Engine['sql']>)(`DROP TABLE ${q(table)}`);
        expect(await schema(engine)).toEqual(baseline);
      }),
      { numRuns: 1000 },
    );
    expect(runs).toBeGreaterThanOrEqual(1000);
    await engine.close();
  }, 300_000);
});

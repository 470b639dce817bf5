import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '@xetrack/core/engine';
import { duckdbEngine, type DuckdbEngine } from '../src/index.js';
import { keyRow, rejectsWith, useTempDirs } from './support/temp-dirs.js';

const { tempDir, track } = useTempDirs();

async function open(options: { storageVersion?: string } = {}): Promise<DuckdbEngine> {
  return track((await duckdbEngine.create({ path: path.join(tempDir(), 'types.duckdb'), ...options })) as DuckdbEngine);
}

/** The DuckDB type of each column, from the catalog. */
async function duckdbTypes(engine: DuckdbEngine, table: string): Promise<Record<string, unknown>> {
  const rows = await engine.sql('SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $1 ORDER BY column_index', [table]);
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

describe('type mapping', () => {
  it('declares BIGINT, DOUBLE, VARCHAR, BOOLEAN, BLOB and JSON, keys VARCHAR with a primary key', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 's', type: 'text' },
      { name: 'b', type: 'boolean' },
      { name: 'x', type: 'blob' },
      { name: 'j', type: 'json' },
    ]);
    expect(await duckdbTypes(engine, 't')).toEqual({
      track_id: 'VARCHAR',
      timestamp: 'VARCHAR',
      i: 'BIGINT',
      f: 'DOUBLE',
      s: 'VARCHAR',
      b: 'BOOLEAN',
      x: 'BLOB',
      j: 'JSON',
    });
    const constraints = await engine.sql("SELECT constraint_type, constraint_column_names FROM duckdb_constraints() WHERE table_name = 't' AND constraint_type = 'PRIMARY KEY'");
    expect(constraints).toEqual([{ constraint_type: 'PRIMARY KEY', constraint_column_names: JSON.stringify(['track_id', 'timestamp']) }]);
  });

  it('describes tables made with raw SQL by the nearest logical type', async () => {
    const engine = await open();
    await engine.sql(`CREATE TABLE raw (track_id VARCHAR, timestamp VARCHAR, a INTEGER, b SMALLINT, c HUGEINT, d UBIGINT,
      e FLOAT, f DECIMAL(10, 2), g TEXT, h BOOL, i BYTEA, j JSON, k TIMESTAMP, l INTEGER[])`);
    expect(await engine.describe('raw')).toEqual([
      { name: 'track_id', type: 'text' },
      { name: 'timestamp', type: 'text' },
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'integer' },
      { name: 'c', type: 'integer' },
      { name: 'd', type: 'integer' },
      { name: 'e', type: 'float' },
      { name: 'f', type: 'float' },
      { name: 'g', type: 'text' },
      { name: 'h', type: 'boolean' },
      { name: 'i', type: 'blob' },
      { name: 'j', type: 'json' },
      { name: 'k', type: 'text' },
      { name: 'l', type: 'text' },
    ]);
    await engine.sql(`INSERT INTO raw VALUES ('r', '1', 1, 2, 170141183460469231731687303715884105727, 3, 0.5, 12.25, 'g', true, '\\x01'::BLOB, '[1]',
      TIMESTAMP '2024-01-02 03:04:05', [1, 2])`);
    const [row] = await engine.select('raw');
    expect(row).toMatchObject({ a: 1, b: 2, c: 2n ** 127n - 1n, d: 3, e: 0.5, f: 12.25, g: 'g', h: true, j: '[1]', k: '2024-01-02 03:04:05', l: '[1,2]' });
    expect(Array.from(row!.i as Uint8Array)).toEqual([1]);
  });

  it('keeps JSON text exactly as written, whitespace included, through the appender and single inserts', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'j', type: 'json' }]);
    const docs = ['{ "a" : 1 }', '[1,  2]', '"s"'];
    await engine.insert(
      't',
      docs.slice(0, 2).map((j, i) => keyRow(i, { j })),
    );
    await engine.insert('t', [keyRow(2, { j: docs[2]! })]);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.j)).toEqual(docs);
  });

  it('rejects text that is not JSON in a JSON column on both insert paths, keeping nothing of the call', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'j', type: 'json' }]);
    const single = await rejectsWith(engine.insert('t', [keyRow(1, { j: 'not json' })]), 'INVALID_VALUE');
    const batch = await rejectsWith(engine.insert('t', [keyRow(2, { j: '[1]' }), keyRow(3, { j: 'not json' })]), 'INVALID_VALUE');
    for (const error of [single, batch]) expect(error.message).toContain('JSON');
    expect(await engine.count('t')).toBe(0);
  });

  it('stores NaN as NULL and keeps the infinities in a DOUBLE column', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'f', type: 'float' }]);
    await engine.insert('t', [keyRow(1, { f: Number.NaN }), keyRow(2, { f: Infinity }), keyRow(3, { f: -Infinity })]);
    await engine.insert('t', [keyRow(4, { f: Number.NaN })]);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.f)).toEqual([null, Infinity, -Infinity, null]);
  });

  it('converts like SQLite affinity: booleans to 1/0 in numbers, numbers to text in text, 0/1 to booleans', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 's', type: 'text' },
      { name: 'b', type: 'boolean' },
    ]);
    await engine.insert('t', [keyRow(1, { i: true, f: 7n, s: 42, b: 1 }), keyRow(2, { i: false, f: false, s: true, b: 0 })]);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => [r.i, r.f, r.s, r.b])).toEqual([
      [1, 7, '42', true],
      [0, 0, 'true', false],
    ]);
    expect(await duckdbTypes(engine, 't')).toMatchObject({ i: 'BIGINT', f: 'DOUBLE', s: 'VARCHAR', b: 'BOOLEAN' });
  });
});

describe('a later value of another type', () => {
  it('widens an integer column to DOUBLE for a fractional number', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 1 })]);
    await engine.insert('t', [keyRow(2, { v: 1.5 }), keyRow(3, { v: 2 })]);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([1, 1.5, 2]);
    expect(await duckdbTypes(engine, 't')).toMatchObject({ v: 'DOUBLE' });
    expect(await engine.count('t', [{ column: 'v', op: '>', value: 1.2 }])).toBe(2);
  });

  it('widens to VARIANT instead when the column holds integers a double would change', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 2n ** 60n + 1n })]);
    await engine.insert('t', [keyRow(2, { v: 0.5 })]);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([2n ** 60n + 1n, 0.5]);
    expect(await duckdbTypes(engine, 't')).toMatchObject({ v: 'VARIANT' });
  });

  it('widens to VARIANT for a value of another kind, keeps every value as given, and describe keeps the type', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 1 })]);
    await engine.insert('t', [keyRow(2, { v: 'text now' }), keyRow(3, { v: true }), keyRow(4, { v: new Uint8Array([7]) })]);
    await engine.insert('t', [keyRow(5, { v: 2.5 })]);
    await engine.insert('t', [keyRow(6, { v: 2n ** 62n })]);
    const values = (await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v);
    expect(values.slice(0, 3)).toEqual([1, 'text now', true]);
    expect(Array.from(values[3] as Uint8Array)).toEqual([7]);
    expect(values.slice(4)).toEqual([2.5, 2n ** 62n]);
    expect(await duckdbTypes(engine, 't')).toMatchObject({ v: 'VARIANT' });
    expect(await engine.describe('t')).toContainEqual({ name: 'v', type: 'integer' });
  });

  it('widens several columns for one batch, each as it would be row by row (DOUBLE first, then VARIANT remembering float)', async () => {
    for (const pad of [0, 40]) {
      const engine = await open();
      await engine.ensureColumns('t', [
        { name: 'a', type: 'integer' },
        { name: 'b', type: 'boolean' },
        { name: 'c', type: 'text' },
      ]);
      const rows: Row[] = [keyRow(1, { a: 1, b: true, c: 'x' }), keyRow(2, { a: 2.5, b: 'no', c: 3 }), keyRow(3, { a: 'three', b: false })];
      rows.push(...Array.from({ length: pad }, (_, i) => keyRow(i, { a: i }, 'padding')));
      expect(await engine.insert('t', rows)).toBe(3 + pad);
      const stored = await engine.select('t', { where: [{ column: 'track_id', op: '=', value: 'run' }], orderBy: [{ column: 'timestamp' }] });
      expect(stored.map((r) => [r.a, r.b, r.c])).toEqual([
        [1, true, 'x'],
        [2.5, 'no', '3'],
        ['three', false, null],
      ]);
      expect(await duckdbTypes(engine, 't')).toMatchObject({ a: 'VARIANT', b: 'VARIANT', c: 'VARCHAR' });
      expect(await engine.describe('t')).toEqual(
        expect.arrayContaining([
          { name: 'a', type: 'float' },
          { name: 'b', type: 'boolean' },
        ]),
      );
      await engine.close();
    }
  });

  it('filters a VARIANT column by the type of the filter value, never failing on the others', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'v', type: 'text' }]);
    await engine.insert('t', [keyRow(1, { v: 'a' }), keyRow(2, { v: new Uint8Array([1]) })]);
    await engine.insert('t', [keyRow(3, { v: 5 }), keyRow(4, { v: null })]);
    expect(await duckdbTypes(engine, 't')).toMatchObject({ v: 'VARIANT' });
    const ids = async (where: Parameters<DuckdbEngine['select']>[1]) => (await engine.select('t', { ...where, orderBy: [{ column: 'timestamp' }] })).map((r: Row) => String(r.timestamp).slice(-1));
    expect(await ids({ where: [{ column: 'v', op: '=', value: 'a' }] })).toEqual(['1']);
    expect(await ids({ where: [{ column: 'v', op: '>', value: 4 }] })).toEqual(['3']);
    expect(await ids({ where: [{ column: 'v', op: 'in', value: ['a', 5] }] })).toEqual(['1', '3']);
    expect(await ids({ where: [{ column: 'v', op: '=', value: new Uint8Array([1]) }] })).toEqual(['2']);
    expect(await ids({ where: [{ column: 'v', op: 'is null' }] })).toEqual(['4']);
  });

  it('updates widen the same way', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'v', type: 'boolean' }]);
    await engine.insert('t', [keyRow(1, { v: true }), keyRow(2, { v: false })]);
    expect(await engine.update('t', { v: 'maybe' }, [{ column: 'timestamp', op: '=', value: keyRow(2).timestamp! }])).toBe(1);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([true, 'maybe']);
  });

  it('keeps memory flat when columns keep coming after a column became VARIANT (DuckDB 1.5.6 holds it until a checkpoint)', { timeout: 300_000 }, async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(0, { v: 1 })]);
    await engine.insert('t', [keyRow(1, { v: 'mixed' })]);
    for (let i = 0; i < 40; i++) {
      await engine.ensureColumns('t', [{ name: `c${i}`, type: 'text' }]);
      await engine.insert('t', [keyRow(i + 2, { v: 'x', [`c${i}`]: 'y' })]);
    }
    // Without a checkpoint after each ALTER, DuckDB holds over 1 GB of IN_MEMORY_TABLE here.
    const [memory] = await engine.sql("SELECT coalesce(sum(memory_usage_bytes), 0) AS bytes FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'");
    expect(Number(memory!.bytes)).toBeLessThan(64 * 1024 * 1024);
    expect(await engine.count('t')).toBe(42);
  });

  it('on a file of an older storage version, rejects with INVALID_VALUE and keeps nothing of the call', async () => {
    const engine = await open({ storageVersion: 'v1.0.0' });
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 1 })]);
    const error = await rejectsWith(engine.insert('t', [keyRow(2, { v: 2 }), keyRow(3, { v: 'text' })]), 'INVALID_VALUE');
    expect(error.message).toContain('VARIANT');
    expect(error.message).toContain('storageVersion');
    expect((await engine.select('t')).map((r) => r.v)).toEqual([1]);
    expect(await duckdbTypes(engine, 't')).toMatchObject({ v: 'BIGINT' });
  });
});

describe('filters across types', () => {
  it('compare text with a number column (TRY_CAST: no match, no error) and numbers with a text column as text', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [
      { name: 'n', type: 'integer' },
      { name: 's', type: 'text' },
      { name: 'b', type: 'boolean' },
    ]);
    await engine.insert('t', [keyRow(1, { n: 5, s: '5', b: true }), keyRow(2, { n: 6, s: 'x', b: false })]);
    expect(await engine.count('t', [{ column: 'n', op: '=', value: 'abc' }])).toBe(0);
    expect(await engine.count('t', [{ column: 'n', op: '=', value: '5' }])).toBe(1);
    expect(await engine.count('t', [{ column: 'n', op: '<', value: 5.5 }])).toBe(1);
    expect(await engine.count('t', [{ column: 's', op: '=', value: 5 }])).toBe(1);
    expect(await engine.count('t', [{ column: 'b', op: '=', value: 1 }])).toBe(1);
    expect(await engine.count('t', [{ column: 'n', op: '=', value: new Uint8Array([5]) }])).toBe(0);
    expect(await engine.count('t', [{ column: 'n', op: 'in', value: ['5', 6, 'zz'] }])).toBe(2);
  });
});

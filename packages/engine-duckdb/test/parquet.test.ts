import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ColumnSpec, Row } from '@xetrack/core/engine';
import { duckdbEngine, writeParquet } from '../src/index.js';
import { keyRow, rejectsWith, useTempDirs } from './support/temp-dirs.js';

const { tempDir, track } = useTempDirs();

async function* stream(rows: Iterable<Row>): AsyncIterable<Row> {
  for (const row of rows) yield row;
}

/** The Parquet file's rows and DuckDB column types, read back with DuckDB's own reader. */
async function readBack(file: string): Promise<{ rows: Row[]; types: Record<string, unknown> }> {
  const engine = track(await duckdbEngine.create({ path: ':memory:' }));
  const escaped = file.replace(/'/g, "''");
  const rows = await engine.sql!(`SELECT * FROM read_parquet('${escaped}')`);
  const described = await engine.sql!(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${escaped}'))`);
  return { rows, types: Object.fromEntries(described.map((r) => [r.column_name, r.column_type])) };
}

const KEYS: ColumnSpec[] = [
  { name: 'track_id', type: 'text' },
  { name: 'timestamp', type: 'text' },
];

describe('writeParquet', () => {
  it('writes every type, typed as declared, and resolves the row count', async () => {
    const file = path.join(tempDir(), 'out', "it's.parquet");
    const columns: ColumnSpec[] = [
      ...KEYS,
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 's', type: 'text' },
      { name: 'b', type: 'boolean' },
      { name: 'x', type: 'blob' },
      { name: 'j', type: 'json' },
      { name: '"; DROP TABLE rows; --', type: 'text' },
    ];
    const rows = [
      keyRow(1, { i: 2n ** 62n, f: 0.5, s: 'héllo', b: true, x: new Uint8Array([0, 255]), j: '{"a":[1]}', '"; DROP TABLE rows; --': 'x' }),
      keyRow(2, { i: -1, f: Number.NaN, s: null, b: false }),
    ];
    expect(await writeParquet(file, columns, stream(rows))).toBe(2);
    const back = await readBack(file);
    expect(back.types).toMatchObject({ track_id: 'VARCHAR', i: 'BIGINT', f: 'DOUBLE', s: 'VARCHAR', b: 'BOOLEAN', x: 'BLOB' });
    expect(back.rows.map((r) => [r.i, r.f, r.s, r.b, r.j, r['"; DROP TABLE rows; --']])).toEqual([
      [2n ** 62n, 0.5, 'héllo', true, '{"a":[1]}', 'x'],
      [-1, null, null, false, null, null],
    ]);
    expect(Array.from(back.rows[0]!.x as Uint8Array)).toEqual([0, 255]);
  });

  it('widens a column whose later values do not fit: integer to DOUBLE, anything to VARCHAR', async () => {
    const file = path.join(tempDir(), 'mixed.parquet');
    const columns: ColumnSpec[] = [...KEYS, { name: 'n', type: 'integer' }, { name: 'm', type: 'integer' }];
    const rows = [keyRow(1, { n: 1, m: 1 }), keyRow(2, { n: 2.5, m: 'two' }), keyRow(3, { n: 3, m: 3 })];
    expect(await writeParquet(file, columns, stream(rows))).toBe(3);
    const back = await readBack(file);
    expect(back.types).toMatchObject({ n: 'DOUBLE', m: 'VARCHAR' });
    expect(back.rows.map((r) => [r.n, r.m])).toEqual([
      [1, '1'],
      [2.5, 'two'],
      [3, '3'],
    ]);
  });

  it('streams many rows through batches, and writes an empty file for no rows', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    const columns: ColumnSpec[] = [...KEYS, { name: 'n', type: 'integer' }];
    async function* many(): AsyncIterable<Row> {
      for (let i = 0; i < 25_000; i++) yield keyRow(i, { n: i });
    }
    expect(await writeParquet(path.join(dir, 'many.parquet'), columns, many())).toBe(25_000);
    const back = await readBack(path.join(dir, 'many.parquet'));
    expect(back.rows).toHaveLength(25_000);
    expect(back.rows.at(-1)).toEqual(keyRow(24_999, { n: 24_999 }));
    expect(await writeParquet(path.join(dir, 'none.parquet'), columns, stream([]))).toBe(0);
    expect((await readBack(path.join(dir, 'none.parquet'))).rows).toEqual([]);
  });

  it('leaves no staging files behind, also when the rows fail', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('xt-parquet-')).length;
    const file = path.join(tempDir(), 'failed.parquet');
    async function* broken(): AsyncIterable<Row> {
      yield keyRow(1);
      throw new Error('the source failed');
    }
    const error = await writeParquet(file, [...KEYS], broken()).catch((e: unknown) => e);
    expect((error as Error).message).toBe('the source failed'); // passed on as it is, not as DuckDB's
    expect(existsSync(file)).toBe(false);
    await rejectsWith(writeParquet(file, [...KEYS, { name: 'TRACK_ID', type: 'text' }], stream([])), 'INVALID_ARGUMENT');
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('xt-parquet-')).length).toBe(before);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { runXt } from './support/run-xt.js';
import { tempDir } from './support/add-on-temp.js';

async function seed(file: string, trackId: string, rows: Record<string, unknown>[], options: { assets?: boolean } = {}) {
  const tracker = await Tracker.open(file, { engine: sqliteEngine, trackId, assets: options.assets });
  await tracker.logBatch(rows);
  await tracker.close();
}

describe('xt copy (the built binary)', () => {
  it('copies rows and columns, then copies nothing the second time', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'a.db');
    const target = path.join(dir, 'nested', 'b.db');
    await seed(source, 'run-a', [{ x: 1 }, { x: 2, note: 'n' }]);
    const first = runXt(['copy', source, target]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(`Copied 2 rows from ${source} to ${target} (0 already there, 2 columns added).\n`);
    const second = runXt(['copy', source, target, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ copied: 0, skipped: 2 });
    const reader = await Reader.open(target, { engine: sqliteEngine });
    expect((await reader.toRows()).map((r) => [r.track_id, r.x, r.note])).toEqual([
      ['run-a', 1, null],
      ['run-a', 2, 'n'],
    ]);
    await reader.close();
  });

  it('copies the asset store between SQLite files, unless --no-assets', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'a.db');
    await seed(source, 'run-a', [{ model: new Float32Array([1, 2, 3]) }], { assets: true });
    const withAssets = runXt(['copy', source, path.join(dir, 'b.db')]);
    expect(withAssets.stdout).toContain(', 1 asset)');
    const tracker = await Tracker.open(path.join(dir, 'b.db'), { engine: sqliteEngine, assets: true });
    const hash = (await tracker.toRows({ all: true }))[0]!.model as string;
    expect(Array.from((await tracker.assets!.get(hash)) as Float32Array)).toEqual([1, 2, 3]);
    await tracker.close();
    const without = runXt(['copy', source, path.join(dir, 'c.db'), '--no-assets']);
    expect(without.stdout).not.toContain('asset');
  });

  it('fails clearly on a missing source and leaves no file behind', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'missing.db');
    const run = runXt(['copy', missing, path.join(dir, 'b.db')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^xt: No database at .*missing\.db/);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(path.join(dir, 'b.db'))).toBe(false);
  });
});

describe('xt export (the built binary)', () => {
  it('writes CSV and JSONL of a table or one run', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'a.db');
    await seed(db, 'one', [
      { x: 1, s: 'a,b' },
      { x: 2, s: 'c' },
    ]);
    await seed(db, 'two', [{ x: 3 }]);
    const csv = runXt(['export', db, path.join(dir, 'out.csv')]);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(`Exported 3 rows of table "default" to ${path.join(dir, 'out.csv')}.\n`);
    const lines = readFileSync(path.join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('track_id,timestamp,x,s');
    expect(lines.slice(1).map((l) => l.split(',').slice(2).join(','))).toEqual(['1,"a,b"', '2,c', '3,']);
    const jsonl = runXt(['export', db, path.join(dir, 'one.jsonl'), '--track-id', 'one']);
    expect(jsonl.status).toBe(0);
    const rows = readFileSync(path.join(dir, 'one.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { x: number });
    expect(rows.map((r) => r.x)).toEqual([1, 2]);
  });

  it('rejects an unknown extension with a usage hint, writing nothing', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'a.db');
    await seed(db, 'one', [{ x: 1 }]);
    const run = runXt(['export', db, path.join(dir, 'out.xlsx')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('.csv, .jsonl or .parquet');
    expect(existsSync(path.join(dir, 'out.xlsx'))).toBe(false);
  });
});

describe('xt across engines (SQLite and DuckDB files)', () => {
  it('copies sqlite → duckdb → sqlite with the same rows, idempotently', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'a.db');
    await seed(source, 'run-a', [
      { x: 1, f: 0.5, s: 'one', ok: true },
      { x: 2, obj: { k: [1, 2] } },
    ]);
    const duck = path.join(dir, 'b.duckdb');
    const first = runXt(['copy', source, duck, '--json']);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ copied: 2, skipped: 0 });
    expect(JSON.parse(runXt(['copy', source, duck, '--json']).stdout)).toMatchObject({ copied: 0, skipped: 2 });
    const back = path.join(dir, 'c.db');
    expect(JSON.parse(runXt(['copy', duck, back, '--json']).stdout)).toMatchObject({ copied: 2 });
    const original = await Reader.open(source, { engine: sqliteEngine });
    const roundTrip = await Reader.open(back, { engine: sqliteEngine });
    expect(await roundTrip.toRows()).toEqual(await original.toRows());
    expect(await roundTrip.columnTypes()).toEqual(await original.columnTypes());
    await original.close();
    await roundTrip.close();
    const head = runXt(['head', duck, '--json']);
    expect((JSON.parse(head.stdout) as { x: number }[]).map((r) => r.x)).toEqual([1, 2]);
  });

  it('exports Parquet that DuckDB reads back with the same rows and types', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'a.db');
    await seed(db, 'run-a', [
      { i: 1, f: 0.5, s: 'x', b: true },
      { i: 2, f: -1.5, s: 'y', b: false },
    ]);
    const out = path.join(dir, 'rows.parquet');
    const run = runXt(['export', db, out]);
    expect(run.status, run.stderr).toBe(0);
    const { duckdbEngine: plugin } = await import('@xetrack/engine-duckdb');
    const engine = await plugin.create({ path: ':memory:' });
    const rows = await engine.sql!(`SELECT i, f, s, b, typeof(i) AS ti, typeof(f) AS tf, typeof(b) AS tb FROM read_parquet('${out.replaceAll("'", "''")}') ORDER BY timestamp`);
    expect(rows).toEqual([
      { i: 1, f: 0.5, s: 'x', b: true, ti: 'BIGINT', tf: 'DOUBLE', tb: 'BOOLEAN' },
      { i: 2, f: -1.5, s: 'y', b: false, ti: 'BIGINT', tf: 'DOUBLE', tb: 'BOOLEAN' },
    ]);
    await engine.close();
  });
});

describe('xt copy to a data file (the built binary)', () => {
  it('new.parquet / new.csv: exported as xt export does (no SQLite file of that name); several tables need --table', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'a.db');
    await seed(source, 'run-a', [{ x: 1 }, { x: 2 }]);
    for (const name of ['new.parquet', 'new.csv']) {
      const target = path.join(dir, name);
      const result = runXt(['copy', source, target]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Exported 2 rows of table "default" to ${target}`);
      expect(readFileSync(target).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    }
    expect(readFileSync(path.join(dir, 'new.parquet')).subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(readFileSync(path.join(dir, 'new.csv'), 'utf8').split('\n')[0]).toBe('track_id,timestamp,x');

    const tracker = await Tracker.open(source, { engine: sqliteEngine, table: 'other' });
    await tracker.log({ y: 1 });
    await tracker.close();
    const ambiguous = runXt(['copy', source, path.join(dir, 'both.parquet')]);
    expect(ambiguous.status).not.toBe(0);
    expect(ambiguous.stderr).toMatch(/holds one table.*"default", "other".*--table/);
    expect(existsSync(path.join(dir, 'both.parquet'))).toBe(false);
    const one = runXt(['copy', source, path.join(dir, 'other.jsonl'), '--table', 'other']);
    expect(one.status, one.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'other.jsonl'), 'utf8').trim())).toMatchObject({ y: 1 });
  });

  it('an existing .parquet with --target-engine duckdb: NOT_A_DATABASE, non-zero exit, the file unchanged; a .json target is refused', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'a.db');
    await seed(source, 'run-a', [{ x: 1 }]);
    const parquet = path.join(dir, 'existing.parquet');
    expect(runXt(['copy', source, parquet]).status).toBe(0);
    const before = readFileSync(parquet);
    const result = runXt(['copy', source, parquet, '--target-engine', 'duckdb']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Parquet file/);
    expect(readFileSync(parquet).equals(before)).toBe(true);
    const json = runXt(['copy', source, path.join(dir, 'rows.json')]);
    expect(json.status).not.toBe(0);
    expect(json.stderr).toMatch(/names a data file/);
    expect(existsSync(path.join(dir, 'rows.json'))).toBe(false);
  });
});

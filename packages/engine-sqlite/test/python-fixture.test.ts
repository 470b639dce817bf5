import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '../src/index.js';

/** The database Python xetrack 0.7.0 wrote, and its account of every table (see its README). */
const FIXTURE_DIR = fileURLToPath(new URL('../../../fixtures/python-xetrack-0.7.0/', import.meta.url));

interface FixtureTable {
  table_info: { name: string; type: string; pk: number }[];
  rows: Record<string, string | number | null>[];
}
const fixture = JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'xetrack_fixture.json'), 'utf8')) as {
  tables: Record<string, FixtureTable>;
};

describe('a database written by Python xetrack 0.7.0', () => {
  let dir: string;
  let db: string;

  beforeEach(() => {
    // The fixture folder is read-only: work on a copy.
    dir = mkdtempSync(path.join(tmpdir(), 'xt-fixture-'));
    db = path.join(dir, 'xetrack_fixture.db');
    copyFileSync(path.join(FIXTURE_DIR, 'xetrack_fixture.db'), db);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists its tracking tables, not the Python asset tables', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    expect(await reader.tables()).toEqual(['default', 'predictions']);
    await reader.close();
  });

  for (const table of ['default', 'predictions']) {
    it(`reads every row and column of "${table}" as the sqlite3 tool does`, async () => {
      const expected = fixture.tables[table]!;
      const reader = await Reader.open(db, { engine: sqliteEngine, table });
      expect(await reader.columns()).toEqual(expected.table_info.map((c) => c.name));
      const rows = await reader.toRows();
      expect(rows).toHaveLength(expected.rows.length);
      rows.forEach((row, i) => {
        const want = expected.rows[i]!;
        for (const column of Object.keys(want)) expect(row[column], `${table} row ${i} column ${column}`).toEqual(want[column]);
      });
      await reader.close();
    });
  }

  it('maps Python declared types to column types', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    expect(await reader.columnTypes()).toMatchObject({
      track_id: 'text',
      model: 'text',
      seed: 'integer',
      accuracy: 'float',
      done: 'integer',
      tags: 'text',
      '7': 'text',
      function_time: 'float',
      weights: 'text',
    });
    await reader.close();
  });

  it('finds runs, the latest run and column values', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    expect((await reader.runs()).map((r) => [r.track_id, r.rows])).toEqual([
      ['run-alpha', 9],
      ['run-beta', 4],
    ]);
    expect((await reader.latest()).map((r) => r.epoch)).toEqual([0, 1, 2, 99]);
    expect((await reader.toRows({ trackId: 'run-alpha', tail: 1 }))[0]).toMatchObject({ function_name: 'add', via: 'wrap' });
    await reader.close();
  });

  it('addresses a Python column by its exact name (a numeric key became column "7")', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    expect((await reader.column('7')).name).toBe('7');
    expect(await reader.setWhere('7', 'eight', 'epoch', 3)).toBe(1);
    expect(await reader.columns()).not.toContain('_7');
    expect((await reader.toRows()).filter((r) => r['7'] !== null).map((r) => r['7'])).toEqual(['eight']);
    await reader.close();
  });

  it('appends with a Tracker, keeps every Python row, and reads the new rows back', async () => {
    const tracker = await Tracker.open(db, { engine: sqliteEngine, trackId: 'run-ts', params: { model: 'ts-mlp' } });
    await tracker.log({ accuracy: 0.99, epoch: 4, done: true, new_metric: 1.5 });
    await tracker.track((a: number, b: number) => a + b, { args: [2, 3], name: 'add' });
    await tracker.close();
    const predictions = await Tracker.open(db, { engine: sqliteEngine, table: 'predictions', trackId: 'run-ts' });
    await predictions.log({ input: 'img-4', label: 0, prediction: 0, correct: true, score: 0.8 });
    await predictions.close();

    const reader = await Reader.open(db, { engine: sqliteEngine });
    const rows = await reader.toRows();
    expect(rows).toHaveLength(fixture.tables.default!.rows.length + 2);
    rows.slice(0, fixture.tables.default!.rows.length).forEach((row, i) => {
      for (const [column, value] of Object.entries(fixture.tables.default!.rows[i]!)) expect(row[column]).toEqual(value);
    });
    const mine = await reader.toRows({ trackId: 'run-ts' });
    expect(mine[0]).toMatchObject({ model: 'ts-mlp', accuracy: 0.99, epoch: 4, done: 1, new_metric: 1.5 });
    expect(mine[1]).toMatchObject({ function_name: 'add', function_result: 5, args: '[2,3]', error: '' });
    const preds = await Reader.open(db, { engine: sqliteEngine, table: 'predictions' });
    expect((await preds.toRows({ tail: 1 }))[0]).toMatchObject({ input: 'img-4', correct: 1, score: 0.8 });
    await preds.close();
    await reader.close();

    // The file is still a healthy SQLite database with Python's primary key.
    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});

describe('a database written here keeps Python xetrack conventions', () => {
  it('uses TEXT track_id/timestamp as the primary key and declared types Python maps back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-conventions-'));
    const db = path.join(dir, 'track.db');
    const tracker = await Tracker.open(db, { engine: sqliteEngine, params: { model: 'm' } });
    await tracker.log({ i: 1, f: 0.5, s: 'x', b: true, blob: new Uint8Array([1]), j: { a: 1 } });
    await tracker.close();

    const raw = new Database(db, { readonly: true });
    const info = raw.prepare(`PRAGMA table_info("default")`).all() as { name: string; type: string; pk: number }[];
    expect(info.map((c) => [c.name, c.type, c.pk])).toEqual([
      ['track_id', 'TEXT', 1],
      ['timestamp', 'TEXT', 2],
      ['model', 'TEXT', 0],
      ['i', 'INTEGER', 0],
      ['f', 'REAL', 0],
      ['s', 'TEXT', 0],
      ['b', 'BOOLEAN', 0],
      ['blob', 'BLOB', 0],
      ['j', 'JSON', 0],
    ]);
    const row = raw.prepare(`SELECT typeof(i) i, typeof(f) f, typeof(b) b, b AS bv, typeof(j) j, j AS jv, typeof(timestamp) ts FROM "default"`).get();
    expect(row).toEqual({ i: 'integer', f: 'real', b: 'integer', bv: 1, j: 'text', jv: '{"a":1}', ts: 'text' });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

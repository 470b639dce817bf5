/**
 * Python interop without Python: a database written here keeps Python xetrack's conventions (asserted
 * in SQL: `track_id`/`timestamp` TEXT primary key, declared types Python maps back, its timestamp
 * format), and the file Python xetrack 0.7.0 wrote (fixtures/) opens, reads and appends here, its rows
 * unchanged. python-xetrack.test.ts checks both directions against the real library when it is given.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { integrityCheck, openRaw, removeTempDirs, tableInfo, tempDir } from '../src/support.js';

afterAll(removeTempDirs);

const FIXTURE = path.resolve(import.meta.dirname, '../../../fixtures/python-xetrack-0.7.0/xetrack_fixture.db');

/** One row of every value kind, logged the way a user would. */
async function writeHere(file: string): Promise<void> {
  const tracker = await Tracker.open(file, { trackId: 'ts-run', params: { model: 'cnn', seed: 7 }, warnings: false });
  await tracker.log({ epoch: 1, accuracy: 0.91, done: false, note: 'first', weights: new Uint8Array([1, 2, 3]), when: new Date(0), cfg: { lr: 0.1 }, 'val-loss': 0.3, missing: null });
  await tracker.logBatch([
    { epoch: 2, accuracy: 0.93, done: true, note: 'second', big: 2n ** 60n },
    { epoch: 3, accuracy: 0.95, done: true, note: 'third', tags: ['a', 'b'] },
  ]);
  await tracker.track((x: number) => x * 2, { args: [21], name: 'double' });
  await tracker.close();
}

describe('a database written here keeps Python xetrack conventions', () => {
  it('in SQL: the table, the key columns and primary key, declared types, storage classes and timestamps', async () => {
    const file = path.join(tempDir(), 'ts.db');
    await writeHere(file);
    const db = openRaw(file, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['default']);
      const columns = tableInfo(db, 'default');
      // track_id and timestamp first, TEXT, together the primary key, nullable as Python declares them
      expect(columns.slice(0, 2)).toEqual([
        { name: 'track_id', type: 'TEXT', pk: 1, notnull: 0 },
        { name: 'timestamp', type: 'TEXT', pk: 2, notnull: 0 },
      ]);
      expect(columns.filter((c) => c.pk > 0)).toHaveLength(2);
      const declared = Object.fromEntries(columns.map((c) => [c.name, c.type]));
      expect(declared).toMatchObject({
        model: 'TEXT',
        seed: 'INTEGER',
        epoch: 'INTEGER',
        accuracy: 'REAL',
        done: 'BOOLEAN',
        note: 'TEXT',
        weights: 'BLOB',
        when: 'TEXT',
        cfg: 'JSON',
        val_loss: 'REAL',
        big: 'INTEGER',
        tags: 'JSON',
        function_name: 'TEXT',
        function_time: 'REAL',
        args: 'TEXT',
        error: 'TEXT',
        function_result: 'INTEGER',
      });
      // every declared type is one Python xetrack maps back (INTEGER→int, BOOLEAN→bool, BLOB→bytearray)
      // or reads raw (REAL, TEXT, JSON: its DTYPES_TO_PYTHON gives None, as for its own TEXT/REAL)
      for (const type of Object.values(declared)) expect(['INTEGER', 'REAL', 'TEXT', 'BOOLEAN', 'BLOB', 'JSON']).toContain(type);
      expect(columns.map((c) => c.name)).not.toContain('missing'); // only null so far: no column yet
      const classes = db
        .prepare(
          'SELECT typeof(epoch) AS epoch, typeof(accuracy) AS accuracy, typeof(done) AS done, done AS doneValue, typeof(weights) AS weights, typeof(cfg) AS cfg, "when" FROM "default" WHERE epoch = 1',
        )
        .get();
      expect(classes).toEqual({ epoch: 'integer', accuracy: 'real', done: 'integer', doneValue: 0, weights: 'blob', cfg: 'text', when: '1970-01-01T00:00:00.000Z' });
      expect(db.prepare('SELECT typeof(big) AS t, CAST(big AS TEXT) AS v FROM "default" WHERE epoch = 2').get()).toEqual({ t: 'integer', v: '1152921504606846976' });
      // Python's timestamp format, strictly increasing within the run
      const stamps = db.prepare('SELECT timestamp FROM "default" WHERE track_id = ? ORDER BY rowid').pluck().all('ts-run') as string[];
      expect(stamps).toHaveLength(4);
      for (const s of stamps) expect(s).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
      expect([...stamps].sort()).toEqual(stamps);
      expect(new Set(stamps).size).toBe(4);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    expect(integrityCheck(file)).toBe('ok');
  });
});

describe('the Python xetrack 0.7.0 fixture', () => {
  it('opens, reads and appends here; its own rows and column declarations are unchanged', async () => {
    const file = path.join(tempDir(), 'fixture.db');
    copyFileSync(FIXTURE, file);
    const original = openRaw(FIXTURE, { readonly: true });
    const before = {
      rows: original.prepare('SELECT * FROM "default" ORDER BY rowid').raw().all(),
      predictions: original.prepare('SELECT * FROM predictions ORDER BY rowid').raw().all(),
      columns: tableInfo(original, 'default'),
    };
    original.close();
    const reader = await Reader.open(file);
    expect(await reader.count()).toBe(before.rows.length);
    expect((await reader.runs()).map((r) => r.track_id).sort()).toEqual(['run-alpha', 'run-beta']);
    await reader.close();
    for (const table of ['default', 'predictions']) {
      const tracker = await Tracker.open(file, { table, trackId: 'ts-append', warnings: false });
      await tracker.log({ epoch: 9, accuracy: 0.5, note: 'appended from TypeScript', extra_ts_column: true });
      await tracker.close();
    }
    const db = openRaw(file, { readonly: true });
    const after = {
      rows: db
        .prepare(`SELECT ${before.columns.map((c) => `"${c.name}"`).join(', ')} FROM "default" WHERE track_id != 'ts-append' ORDER BY rowid`)
        .raw()
        .all(),
      predictions: db.prepare("SELECT track_id, timestamp, model, input, label, prediction, correct, score FROM predictions WHERE track_id != 'ts-append' ORDER BY rowid").raw().all(),
      columns: tableInfo(db, 'default'),
      appended: db.prepare('SELECT count(*) FROM "default" WHERE track_id = ?').pluck().get('ts-append'),
    };
    db.close();
    expect(after.rows).toEqual(before.rows);
    expect(after.predictions).toEqual(before.predictions);
    expect(after.columns.slice(0, before.columns.length)).toEqual(before.columns);
    expect(after.columns.slice(before.columns.length).map((c) => `${c.name} ${c.type}`)).toEqual(['extra_ts_column BOOLEAN']);
    expect(after.appended).toBe(1);
    expect(integrityCheck(file)).toBe('ok');
  });
});

/**
 * Bad input, fuzzed: keys and table names of arbitrary unicode, quotes, semicolons, SQL keywords,
 * empty and very long. A key names the column the documented rule gives (or the row is rejected
 * with INVALID_IDENTIFIER); a table name names exactly that table (or is rejected); the schema only
 * changes as intended (`sqlite_master` compared before and after every case); rows logged earlier
 * stay as they were; no SQL runs but the library's own.
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isXetrackError, Reader, type Tracker } from '@xetrack/core';
import { hasLoneSurrogate, identifier, tableName, wellFormedText } from '../src/arbitraries.js';
import { FuzzFile } from '../src/harness.js';
import { columnName, fold, pythonColumnName, show } from '../src/model.js';
import { LONG, openRaw, q, recordFigure, removeTempDirs, seedFor, tempDir } from '../src/support.js';

const KEY_RUNS = Number(process.env.XT_KEY_RUNS ?? (LONG ? 30_000 : 3_000));
const TABLE_RUNS = Number(process.env.XT_TABLE_RUNS ?? (LONG ? 20_000 : 2_000));

const files: FuzzFile[] = [];
afterAll(async () => {
  for (const f of files) await f.close();
  removeTempDirs();
});

async function newFile(name: string): Promise<FuzzFile> {
  const f = await FuzzFile.create(name);
  files.push(f);
  return f;
}

/** The columns a row's keys must land in, by the documented rule (last key wins a shared column). */
function plan(keys: string[], existing: { name: string }[]) {
  const byLower = new Map(existing.map((c) => [fold(c.name), c.name]));
  const added: string[] = [];
  const cells = new Map<string, unknown>();
  return {
    added,
    cells,
    put(key: string, value: unknown) {
      const name = columnName(key)!;
      const lower = fold(name);
      if (lower === 'track_id' || lower === 'timestamp') return; // set by the tracker, ignored in data
      let column = byLower.get(lower);
      if (column === undefined) {
        column = name;
        byLower.set(lower, name);
        added.push(name);
      }
      cells.set(column, value);
    },
    keys,
  };
}

const PK = ', PRIMARY KEY (track_id, timestamp))';

/** The CREATE TABLE text after ADD COLUMN of `added`: SQLite (3.53) writes each definition after the last column's. */
function withColumns(sql: string, added: string[], type: string): string {
  return added.reduce((text, name) => {
    const at = text.endsWith(PK) ? text.length - PK.length : text.length - 1;
    return `${text.slice(0, at)}, ${q(name)} ${type}${text.slice(at)}`;
  }, sql);
}

/** Every row of every table of `fuzz`: exactly the rows logged, each still holding what it was logged with. */
function checkRows(fuzz: FuzzFile, logged: { table: string; timestamp: string; cells: Map<string, unknown> }[]): void {
  const db = openRaw(fuzz.file, { readonly: true });
  const stored = new Map<string, Record<string, unknown>>();
  for (const s of fuzz.schema().filter((o) => o.type === 'table')) {
    for (const r of db.prepare(`SELECT * FROM ${q(s.name)}`).all() as Record<string, unknown>[]) stored.set(`${s.name}\0${r.timestamp as string}`, r);
  }
  db.close();
  expect(stored.size).toBe(logged.length);
  for (const { table, timestamp, cells } of logged) {
    const r = stored.get(`${table}\0${timestamp}`);
    expect(r, `row ${timestamp} of ${table}`).toBeDefined();
    for (const [column, value] of Object.entries(r!)) {
      if (column === 'track_id' || column === 'timestamp') continue;
      expect(value, `${table} ${timestamp} ${show(column)}`).toBe(cells.has(column) ? cells.get(column) : null);
    }
  }
}

describe('fuzz: keys', () => {
  it(`rows of 1-4 hostile keys (${KEY_RUNS} cases): each value in the column the rule names, schema changed only by those columns`, async () => {
    const seed = seedFor('fuzz keys');
    let fuzz = await newFile('keys-0.db');
    let tracker: Tracker | undefined;
    let table = '';
    let tableNo = 0;
    const outcomes = { accepted: 0, rejectedEmptyKey: 0, newColumns: 0, sharedColumn: 0, keyColumnIgnored: 0 };
    /** What every accepted row must still hold at the end: table, timestamp, column → value. */
    const logged: { table: string; timestamp: string; cells: Map<string, unknown> }[] = [];
    // '__proto__' exactly is left to its own test below
    const key = identifier.filter((k) => k !== '__proto__');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, wellFormedText), { minLength: 1, maxLength: 4 }), async (entries) => {
        if (tracker === undefined || fuzz.columns(table).length > 150) {
          await tracker?.close();
          // a new file every 20 tables keeps each schema small (SQLite re-reads it after every ADD COLUMN)
          if (tableNo > 0 && tableNo % 20 === 0) {
            checkRows(fuzz, logged.splice(0));
            fuzz = await newFile(`keys-${tableNo / 20}.db`);
          }
          table = `keys_${tableNo++}`;
          tracker = await fuzz.tracker(table);
          fuzz.takeForeign();
        }
        // a row with the empty key (rejected) has no other key: the columns of keys seen before a
        // rejection have their own test in fuzz-values.test.ts (and integer-like keys always come first)
        const rows = entries.some(([k]) => k === '') ? entries.filter(([k]) => k === '') : entries;
        const data: Record<string, unknown> = {};
        rows.forEach(([k, text], i) => Object.defineProperty(data, k, { value: `v${i}:${text}`, enumerable: true, writable: true, configurable: true }));
        const keys = Object.keys(data);
        const before = { schema: fuzz.schema(), columns: fuzz.columns(table), count: fuzz.count(table) };
        let row: Record<string, unknown> | undefined;
        let error: unknown;
        try {
          row = (await tracker.log(data)) as Record<string, unknown>;
        } catch (e) {
          error = e;
        }
        expect(fuzz.takeForeign(), 'foreign SQL').toEqual([]);
        if (keys.includes('')) {
          outcomes.rejectedEmptyKey++;
          expect(isXetrackError(error, 'INVALID_IDENTIFIER'), `the empty key: ${String(error)}`).toBe(true);
          expect(fuzz.schema()).toEqual(before.schema);
          expect(fuzz.count(table)).toBe(before.count);
          return;
        }
        if (error !== undefined) throw new Error(`keys ${show(keys)} rejected: ${String(error)}`);
        outcomes.accepted++;
        const expected = plan(keys, before.columns);
        for (const k of keys) {
          if (['track_id', 'timestamp'].includes(fold(columnName(k)!))) outcomes.keyColumnIgnored++;
          expected.put(k, data[k]);
        }
        if (expected.added.length > 0) outcomes.newColumns++;
        if (expected.cells.size < keys.length) outcomes.sharedColumn++;
        // the schema: this table gained exactly the new columns, nothing else changed
        const after = fuzz.schema();
        const beforeTable = before.schema.find((s) => s.name === table)!;
        expect(after).toEqual(before.schema.map((s) => (s === beforeTable ? { ...s, sql: withColumns(s.sql!, expected.added, 'TEXT') } : s)));
        expect(fuzz.columns(table)).toEqual([...before.columns, ...expected.added.map((name) => ({ name, type: 'TEXT', pk: 0 }))]);
        expect(fuzz.count(table)).toBe(before.count + 1);
        // the row as the file holds it, and as the library reads it back
        const raw = fuzz.check.prepare(`SELECT * FROM ${q(table)} WHERE track_id = ? AND timestamp = ?`).get('fuzz', row!.timestamp) as Record<string, unknown>;
        const read = (await tracker.rowAt(-1)) as Record<string, unknown>;
        for (const { name } of fuzz.columns(table)) {
          if (name === 'track_id' || name === 'timestamp') continue;
          const value = expected.cells.has(name) ? expected.cells.get(name) : null;
          expect(raw[name], `column ${show(name)} in the file (keys ${show(keys)})`).toBe(value);
          expect(read[name], `column ${show(name)} read back (keys ${show(keys)})`).toBe(value);
        }
        expect(raw.track_id).toBe('fuzz');
        expect(read.timestamp).toBe(row!.timestamp);
        logged.push({ table, timestamp: row!.timestamp as string, cells: expected.cells });
      }),
      { numRuns: KEY_RUNS, seed },
    );
    await tracker?.close();
    checkRows(fuzz, logged.splice(0));
    const keyFiles = files.filter((f) => path.basename(f.file).startsWith('keys-'));
    const statements = keyFiles.reduce((n, f) => n + f.statements, 0);
    const shapes = new Set(keyFiles.flatMap((f) => [...f.shapes])).size;
    recordFigure('fuzz-keys', { cases: KEY_RUNS, ...outcomes, files: keyFiles.length, sqlStatementsChecked: statements, statementShapes: shapes, seed });
  });

  it('the value of the key "__proto__" is stored (was a bug: dropped, NULL stored)', async () => {
    const fuzz = await newFile('proto.db');
    const tracker = await fuzz.tracker('proto');
    const data = JSON.parse('{"__proto__": 42, "other": 1}') as Record<string, unknown>; // an own "__proto__" key, as JSON gives it
    await tracker.log(data);
    await tracker.close();
    const raw = fuzz.check.prepare('SELECT "__proto__" AS p, other FROM proto').get();
    expect(raw).toEqual({ p: 42, other: 1 });
  });

  it('a character outside the BMP becomes one "_", as in Python xetrack (was a bug: "__")', async () => {
    const fuzz = await newFile('astral.db');
    const tracker = await fuzz.tracker('astral');
    for (const key of ['acc🎯', '𝔘nits', 'x😀y']) {
      await tracker.log({ [key]: 1 });
      expect(await tracker.columns()).toContain(pythonColumnName(key)); // acc_, _nits, x_y
    }
    await tracker.close();
  });
});

/** The documented table-name rule: any text but empty, NUL, over 128 characters, `sqlite_`…, or unpaired surrogates. */
function tableRejected(name: string): boolean {
  return name.length === 0 || name.includes('\0') || name.length > 128 || name.toLowerCase().startsWith('sqlite_') || hasLoneSurrogate(name);
}

describe('fuzz: table names', () => {
  it(`hostile table names (${TABLE_RUNS} cases): exactly that table is created and written, or INVALID_IDENTIFIER and nothing changes`, async () => {
    const seed = seedFor('fuzz table names');
    let fuzz = await newFile('tables-0.db');
    let fileNo = 0;
    let casesInFile = 0;
    const outcomes = { created: 0, existingTable: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(tableName, wellFormedText, async (table, note) => {
        if (casesInFile++ >= 100) {
          // a new file every 100 cases keeps each schema small; the old one is done with
          const old = fuzz;
          fuzz = await newFile(`tables-${++fileNo}.db`);
          await old.close();
          files.splice(files.indexOf(old), 1);
          casesInFile = 1;
        }
        const before = fuzz.schema();
        const tables = before.filter((s) => s.type === 'table');
        const counts = new Map(tables.map((s) => [s.name, fuzz.count(s.name)]));
        let error: unknown;
        let timestamp: string | undefined;
        try {
          const tracker = await fuzz.tracker(table, 'fuzz-tables');
          try {
            timestamp = (await tracker.log({ x: 1, note: `n:${note}` })).timestamp;
          } finally {
            await tracker.close();
          }
        } catch (e) {
          error = e;
        }
        expect(fuzz.takeForeign(), 'foreign SQL').toEqual([]);
        if (tableRejected(table)) {
          outcomes.rejected++;
          expect(isXetrackError(error, 'INVALID_IDENTIFIER'), `${show(table)}: ${String(error)}`).toBe(true);
          expect(fuzz.schema()).toEqual(before);
          return;
        }
        if (error !== undefined) throw new Error(`table ${show(table)} rejected: ${String(error)}`);
        // SQLite matches table names case-insensitively for ASCII letters only
        const existing = tables.find((s) => fold(s.name) === fold(table));
        const target = existing?.name ?? table;
        const after = fuzz.schema();
        if (existing) {
          outcomes.existingTable++;
          expect(after).toEqual(before);
        } else {
          outcomes.created++;
          const created = after.filter((s) => !before.some((b) => b.name === s.name && b.type === s.type));
          expect(created).toEqual([{ type: 'table', name: table, sql: `CREATE TABLE ${q(table)} (track_id TEXT, timestamp TEXT, "x" INTEGER, "note" TEXT, PRIMARY KEY (track_id, timestamp))` }]);
          expect(after.filter((s) => s.name !== table)).toEqual(before);
        }
        for (const [name, n] of counts) expect(fuzz.count(name), `rows of ${show(name)}`).toBe(name === target ? n + 1 : n);
        if (!existing) expect(fuzz.count(table)).toBe(1);
        const reader = await Reader.open(fuzz.file, { engine: fuzz.engine, table });
        const rows = await reader.toRows({ trackId: 'fuzz-tables' });
        expect(await reader.tables()).toContain(target);
        await reader.close();
        expect(rows.at(-1)).toMatchObject({ timestamp, x: 1, note: `n:${note}` });
        expect(fuzz.takeForeign(), 'foreign SQL (reader)').toEqual([]);
      }),
      { numRuns: TABLE_RUNS, seed },
    );
    recordFigure('fuzz-table-names', { cases: TABLE_RUNS, ...outcomes, files: fileNo + 1, seed });
  });

  it('a table name that is SQL is only a name: the other tables survive', async () => {
    const dir = tempDir();
    const { Tracker } = await import('@xetrack/core');
    const file = `${dir}/inject.db`;
    const keep = await Tracker.open(file, { table: 'keep', warnings: false });
    await keep.log({ a: 1 });
    await keep.close();
    const names = ['keep"; DROP TABLE "keep"; --', "keep'); DROP TABLE keep; --", 'keep] ; DELETE FROM keep', 'x" (a); DROP TABLE keep; CREATE TABLE "y'];
    for (const name of names) {
      const t = await Tracker.open(file, { table: name, warnings: false });
      await t.log({ ['a"; DROP TABLE keep; --']: 'v", 1); DELETE FROM keep; --' });
      await t.close();
    }
    const db = openRaw(file, { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).sort();
    expect(tables).toEqual(['keep', ...names].sort());
    expect(db.prepare('SELECT a FROM keep').all()).toEqual([{ a: 1 }]);
    db.close();
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isXetrackError, Reader, Tracker } from '@xetrack/core';
import { ENGINE_API_VERSION } from '@xetrack/core/engine';
import defaultExport, { duckdbEngine, DuckdbEngine } from '../src/index.js';
import { keyRow, rejectsWith, useTempDirs } from './support/temp-dirs.js';

const { tempDir, track } = useTempDirs();

const open = async (options: Parameters<typeof duckdbEngine.create>[0]) => track(await duckdbEngine.create(options));

describe('the plugin', () => {
  it('is the default export, speaks this contract version, and maps a location to options', () => {
    expect(defaultExport).toBe(duckdbEngine);
    expect(duckdbEngine).toMatchObject({ apiVersion: ENGINE_API_VERSION, name: 'duckdb' });
    expect(duckdbEngine.fromLocation?.('x/track.duckdb')).toEqual({ path: 'x/track.duckdb' });
    expect(duckdbEngine.fromLocation?.('x/track.duckdb', { mustExist: true })).toEqual({ path: 'x/track.duckdb', fileMustExist: true });
  });

  it('creates a DuckdbEngine with its capabilities and an absolute location', async () => {
    const dir = tempDir();
    const engine = await open({ path: path.join(path.relative(process.cwd(), dir), 'a.duckdb') });
    expect(engine).toBeInstanceOf(DuckdbEngine);
    expect(engine.name).toBe('duckdb');
    expect(engine.location).toBe(path.join(dir, 'a.duckdb'));
    expect(engine.capabilities).toEqual({ aggregate: true, transactions: true, rawSql: true, concurrentWriters: false, streaming: true, readOnlySql: true });
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    await rejectsWith(duckdbEngine.create({} as never), 'INVALID_ARGUMENT');
    await rejectsWith(duckdbEngine.create({ path: '' }), 'INVALID_ARGUMENT');
    await rejectsWith(duckdbEngine.create({ path: ':memory:', threads: 0 }), 'INVALID_ARGUMENT');
    await rejectsWith(duckdbEngine.create({ path: ':memory:', readonly: true }), 'INVALID_ARGUMENT');
    await rejectsWith(duckdbEngine.create({ path: ':memory:', storageVersion: "v1'; DROP" }), 'INVALID_ARGUMENT');
  });

  it('does not see later changes to the options object', async () => {
    const dir = tempDir();
    const options = { path: path.join(dir, 'a.duckdb'), readonly: false };
    const engine = await open(options);
    options.readonly = true;
    options.path = path.join(dir, 'b.duckdb');
    await engine.ensureColumns('t', []);
    expect(engine.location).toBe(path.join(dir, 'a.duckdb'));
  });
});

describe('files', () => {
  it('creates the parent directories of a new file, and keeps the data across a reopen', async () => {
    const file = path.join(tempDir(), 'deep', 'er', 'track.duckdb');
    const engine = await duckdbEngine.create({ path: file });
    await engine.ensureColumns('t', [
      { name: 'v', type: 'float' },
      { name: 'x', type: 'blob' },
    ]);
    await engine.insert('t', [keyRow(1, { v: 0.5, x: new Uint8Array([1, 2]) }), keyRow(2, { v: 2n ** 62n })]);
    await engine.insert('t', [keyRow(3, { v: 'mixed' })]);
    await engine.close();
    expect(existsSync(file)).toBe(true);
    const again = await open({ path: file });
    const rows = await again.select('t', { orderBy: [{ column: 'timestamp' }] });
    expect(rows.map((r) => r.v)).toEqual([0.5, 2 ** 62, 'mixed']);
    expect(Array.from(rows[0]!.x as Uint8Array)).toEqual([1, 2]);
    expect(await again.describe('t')).toEqual([
      { name: 'track_id', type: 'text' },
      { name: 'timestamp', type: 'text' },
      { name: 'v', type: 'float' },
      { name: 'x', type: 'blob' },
    ]);
  });

  it('readonly and fileMustExist never create a missing file: NOT_FOUND naming the path', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'missing.duckdb');
    for (const options of [{ readonly: true }, { fileMustExist: true }]) {
      const error = await rejectsWith(duckdbEngine.create({ path: file, ...options }), 'NOT_FOUND');
      expect(error.message).toContain(file);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('readonly reads, and rejects every write with READ_ONLY, raw SQL included', async () => {
    const file = path.join(tempDir(), 'ro.duckdb');
    const writer = await duckdbEngine.create({ path: file });
    await writer.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await writer.insert('t', [keyRow(1, { v: 1 })]);
    await writer.close();
    const reader = await open({ path: file, readonly: true });
    expect(await reader.select('t')).toEqual([keyRow(1, { v: 1 })]);
    await rejectsWith(reader.insert('t', [keyRow(2, { v: 2 })]), 'READ_ONLY');
    await rejectsWith(reader.ensureColumns('t', [{ name: 'w', type: 'text' }]), 'READ_ONLY');
    await rejectsWith(reader.update('t', { v: 3 }, []), 'READ_ONLY');
    await rejectsWith(reader.delete('t', []), 'READ_ONLY');
    await rejectsWith(reader.sql!("INSERT INTO t VALUES ('x', 'y', 1)"), 'READ_ONLY');
    expect(await reader.sql!('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
    expect(await reader.count('t')).toBe(1);
  });

  it('sql() asked to only read refuses settings, which outlive the call and can name files DuckDB writes; reading pragmas pass', async () => {
    const dir = tempDir();
    const engine = await open({ path: path.join(dir, 'settings.duckdb') });
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 1 })]);
    const profile = path.join(dir, 'profile.txt');
    const log = path.join(dir, 'queries.log');
    for (const statement of [`SET profiling_output = '${profile}'`, `PRAGMA profiling_output = '${profile}'`, 'PRAGMA enable_profiling', `SET log_query_path = '${log}'`, 'RESET threads']) {
      const error = await rejectsWith(engine.sql!(statement, [], { readOnly: true }), 'READ_ONLY');
      expect((error.cause as { outsideEffect?: string }).outsideEffect, statement).toMatch(/^SET and PRAGMA change settings/);
    }
    expect(await engine.sql!('SELECT v FROM t', [], { readOnly: true })).toEqual([{ v: 1 }]);
    expect(existsSync(profile)).toBe(false);
    expect(existsSync(log)).toBe(false);
    expect((await engine.sql!(`PRAGMA table_info('t')`, [], { readOnly: true })).map((r) => r.name)).toContain('v');
    // EXPORT DATABASE creates its directory while being prepared: refused before that
    const exported = path.join(dir, 'exported');
    await rejectsWith(engine.sql!(`/* backup */ EXPORT DATABASE '${exported}'`, [], { readOnly: true }), 'READ_ONLY');
    expect(existsSync(exported)).toBe(false);
    // allowed to write, the setting takes and DuckDB writes the file it names
    await engine.sql!(`SET log_query_path = '${log}'`);
    await engine.sql!('SELECT 42');
    expect(existsSync(log)).toBe(true);
    await engine.close();
  });

  it('a read-only engine next to a writer of the same process shares its database and sees its writes', async () => {
    const file = path.join(tempDir(), 'shared.duckdb');
    const writer = await open({ path: file });
    await writer.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    const reader = await open({ path: file, readonly: true });
    await writer.insert('t', [keyRow(1, { v: 1 })]);
    expect(await reader.select('t')).toEqual([keyRow(1, { v: 1 })]);
    await rejectsWith(reader.insert('t', [keyRow(2, { v: 2 })]), 'READ_ONLY');
    await rejectsWith(reader.sql!('DELETE FROM t'), 'READ_ONLY');
    await reader.close();
    await writer.insert('t', [keyRow(2, { v: 2 })]);
    expect(await writer.count('t')).toBe(2);
  });

  it('two writers of one process share the database: each sees the other at once, and closing one leaves the other', async () => {
    const file = path.join(tempDir(), 'two.duckdb');
    const a = await open({ path: file });
    const b = await open({ path: file });
    await a.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await b.insert('t', [keyRow(1, { v: 1 })]);
    await a.insert('t', [keyRow(2, { v: 2 }), keyRow(3, { v: 3 })]);
    expect(await b.count('t')).toBe(3);
    await Promise.all([a.insert('t', [keyRow(4, { v: 4 })]), b.ensureColumns('t', [{ name: 'w', type: 'text' }]), a.insert('t', [keyRow(5), keyRow(6)])]);
    await a.close();
    expect(await b.count('t')).toBe(6);
    await b.insert('t', [keyRow(7, { w: 'late' })]);
    expect(await b.count('t', [{ column: 'w', op: '=', value: 'late' }])).toBe(1);
  });

  it('an engine whose cached schema another engine of the process made stale still reads and writes right', async () => {
    const file = path.join(tempDir(), 'stale.duckdb');
    const a = await open({ path: file });
    const b = await open({ path: file });
    await a.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await a.insert('t', [keyRow(1, { v: 1 })]);
    expect(await a.count('t', [{ column: 'v', op: '=', value: 1 }])).toBe(1);
    // b widens v to VARIANT and adds a column; a still has the old schema cached.
    await b.insert('t', [keyRow(2, { v: 'two' })]);
    await b.ensureColumns('t', [{ name: 'w', type: 'text' }]);
    await b.insert('t', [keyRow(3, { v: 3, w: 'x' })]);
    expect(await a.insert('t', [keyRow(6, { w: 'single' })])).toBe(1);
    expect(await a.insert('t', [keyRow(7, { v: 'seven', w: 'small' }), keyRow(8, { v: 8 })])).toBe(2);
    await b.ensureColumns('t', [{ name: 'z', type: 'integer' }]);
    expect(
      await a.insert(
        't',
        Array.from({ length: 20 }, (_, i) => keyRow(100 + i, { z: i, v: 'many' })),
      ),
    ).toBe(20);
    await a.delete('t', [{ column: 'timestamp', op: '>', value: keyRow(5).timestamp! }]);
    expect(await a.count('t', [{ column: 'v', op: '=', value: 1 }])).toBe(1);
    expect(await a.count('t', [{ column: 'w', op: '=', value: 'x' }])).toBe(1);
    expect((await a.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => [r.v, r.w])).toEqual([
      [1, null],
      ['two', null],
      [3, 'x'],
    ]);
    expect(await a.insert('t', [keyRow(4, { v: 4, w: 'y' }), keyRow(5, { v: 'five' })])).toBe(2);
    await b.sql!('DROP TABLE t');
    expect(await a.select('t')).toEqual([]);
    expect(await a.count('t')).toBe(0);
  });

  it('a text file is NOT_A_DATABASE and stays byte for byte the same, with no file added', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'notes.duckdb');
    const text = 'these are notes, not a database\n'.repeat(200);
    writeFileSync(file, text);
    for (const options of [{}, { readonly: true }, { fileMustExist: true }]) {
      const error = await rejectsWith(duckdbEngine.create({ path: file, ...options }), 'NOT_A_DATABASE');
      expect(error.message).toContain(file);
    }
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['notes.duckdb']);
  });

  it('an empty file is a new database, as for SQLite: a tracker creates it, a reader finds no table and leaves it empty', async () => {
    const file = path.join(tempDir(), 'empty.duckdb');
    writeFileSync(file, '');
    const missing = await Reader.open(file, { engine: duckdbEngine }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isXetrackError(missing, 'UNKNOWN_TABLE'), String(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/Tables there: none/);
    expect(readFileSync(file).length).toBe(0);
    const tracker = await Tracker.open(file, { engine: duckdbEngine, warnings: false });
    await tracker.log({ a: 1 });
    await tracker.close();
    const reader = await Reader.open(file, { engine: duckdbEngine });
    expect((await reader.toRows()).map((r) => r.a)).toEqual([1]);
    await reader.close();
  });

  describe('a data file (Parquet, CSV, JSON) is NOT_A_DATABASE for a tracker and a reader, and is left byte for byte', () => {
    const files: Record<string, (file: string) => Promise<void>> = {
      'runs.parquet': async (file) => {
        const engine = await duckdbEngine.create({ path: ':memory:' });
        await engine.sql!(`COPY (SELECT 'r' AS track_id, '2024-01-01' AS timestamp, 1 AS a) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
        await engine.close();
      },
      'runs.csv': async (file) => writeFileSync(file, 'track_id,timestamp,a\nr,2024-01-01,1\n'),
      'runs.json': async (file) => writeFileSync(file, '[{"track_id": "r", "timestamp": "2024-01-01", "a": 1}]\n'),
    };
    for (const [name, make] of Object.entries(files)) {
      it(name, async () => {
        const dir = tempDir();
        const file = path.join(dir, name);
        await make(file);
        const before = readFileSync(file);
        for (const open of [() => Tracker.open(file, { engine: duckdbEngine, warnings: false }), () => Reader.open(file, { engine: duckdbEngine })]) {
          const error = await open().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isXetrackError(error, 'NOT_A_DATABASE'), String(error)).toBe(true);
          expect((error as Error).message).toContain(file);
          expect((error as Error).message).toMatch(/xt export/);
        }
        expect(readFileSync(file).equals(before)).toBe(true);
        expect(readdirSync(dir)).toEqual([name]);
      });
    }
  });

  it('a SQLite file is NOT_A_DATABASE with a hint to the sqlite engine, and is left untouched', async () => {
    const file = path.join(tempDir(), 'track.db');
    const bytes = Buffer.alloc(4096);
    bytes.write('SQLite format 3\0', 0, 'latin1');
    writeFileSync(file, bytes);
    const error = await rejectsWith(duckdbEngine.create({ path: file }), 'NOT_A_DATABASE');
    expect(error.message).toMatch(/SQLite database/);
    expect(error.message).toContain('@xetrack/engine-sqlite');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('a directory is NOT_A_DATABASE', async () => {
    const dir = path.join(tempDir(), 'a.duckdb');
    mkdirSync(dir);
    await rejectsWith(duckdbEngine.create({ path: dir }), 'NOT_A_DATABASE');
  });
});

describe('close', () => {
  it('lets the calls made before it finish, then rejects everything with CLOSED; twice is fine', async () => {
    const engine = await duckdbEngine.create({ path: ':memory:' });
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    const pending = [engine.insert('t', [keyRow(1, { v: 1 })]), engine.insert('t', [keyRow(2, { v: 2 }), keyRow(3, { v: 3 })]), engine.count('t')];
    const closing = engine.close();
    await expect(Promise.all(pending)).resolves.toEqual([1, 2, 3]);
    await closing;
    await engine.close();
    const error = await rejectsWith(engine.select('t'), 'CLOSED');
    expect(error.message).toContain('closed');
    await rejectsWith(engine.sql!('SELECT 1'), 'CLOSED');
  });

  it('releases the file, so another engine with other options can open it', async () => {
    const file = path.join(tempDir(), 'c.duckdb');
    const engine = await duckdbEngine.create({ path: file });
    await engine.ensureColumns('t', []);
    await engine.close();
    const reader = await open({ path: file, readonly: true, threads: 1 });
    expect(await reader.tables()).toEqual(['t']);
  });

  it('two engines of one process with conflicting options: the second is LOCKED and says why', async () => {
    const file = path.join(tempDir(), 'd.duckdb');
    await open({ path: file, threads: 1 });
    const error = await rejectsWith(duckdbEngine.create({ path: file, threads: 2 }), 'LOCKED');
    expect(error.message).toContain('threads');
  });
});

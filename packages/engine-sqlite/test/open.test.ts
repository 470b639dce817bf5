import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ENGINE_API_VERSION, isXetrackError, type Engine, type XetrackErrorCode } from '@xetrack/core/engine';
import defaultExport, { SqliteEngine, sqliteEngine, type SqliteEngineOptions } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string; cause: unknown }> {
  try {
    await run();
  } catch (error) {
    if (!isXetrackError(error)) throw error;
    return { code: error.code, message: error.message, cause: error.cause };
  }
  throw new Error('expected a rejection');
}

async function pragma(engine: Engine, name: string): Promise<unknown> {
  const [row] = await (engine.sql as NonNullable<Engine['sql']>)(`PRAGMA ${name}`);
  return row === undefined ? undefined : Object.values(row)[0];
}

const NOT_SQLITE = 'This is a plain text file, not a SQLite database.\n'.repeat(200);

describe('the plugin', () => {
  it('is the default export, with the contract version, a name, create and fromLocation', async () => {
    expect(defaultExport).toBe(sqliteEngine);
    expect(sqliteEngine.apiVersion).toBe(ENGINE_API_VERSION);
    expect(sqliteEngine.name).toBe('sqlite');
    expect(sqliteEngine.fromLocation?.('runs/track.db')).toEqual({ path: 'runs/track.db' });
    const engine = await sqliteEngine.create({ path: ':memory:' });
    expect(engine).toBeInstanceOf(SqliteEngine);
    expect(engine.name).toBe('sqlite');
    expect(engine.location).toBe(':memory:');
    expect(engine.capabilities).toEqual({ aggregate: true, transactions: true, rawSql: true, concurrentWriters: true, streaming: true, readOnlySql: true });
    await engine.close();
  });

  it('reports a file location as an absolute path', async () => {
    const dir = tempDir();
    const engine = await sqliteEngine.create({ path: path.join(dir, 'track.db') });
    expect(engine.location).toBe(path.join(dir, 'track.db'));
    await engine.close();
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    const bad: unknown[] = [
      undefined,
      {},
      { path: '' },
      { path: 3 },
      { path: ':memory:', synchronous: 'off' },
      { path: ':memory:', busyTimeoutMs: -1 },
      { path: ':memory:', busyTimeoutMs: 1.5 },
      { database: {} },
    ];
    for (const options of bad) {
      const error = await failure(() => sqliteEngine.create(options as SqliteEngineOptions));
      expect(error.code, JSON.stringify(options)).toBe('INVALID_ARGUMENT');
    }
  });

  it('SqliteEngine.open opens like the other engines, and bad options reject (not throw) with INVALID_ARGUMENT', async () => {
    const engine = await SqliteEngine.open({ path: ':memory:' });
    expect(engine).toBeInstanceOf(SqliteEngine);
    expect(engine.location).toBe(':memory:');
    await engine.close();
    const pending = SqliteEngine.open({ path: '' });
    expect(pending).toBeInstanceOf(Promise);
    expect((await failure(() => pending)).code).toBe('INVALID_ARGUMENT');
  });

  it('freezes its options, so changing the object passed in changes nothing', async () => {
    const options: SqliteEngineOptions = { path: ':memory:', busyTimeoutMs: 1234 };
    const engine = new SqliteEngine(options);
    options.busyTimeoutMs = 1;
    expect(Object.isFrozen(engine.options)).toBe(true);
    expect(engine.options.busyTimeoutMs).toBe(1234);
    expect(await pragma(engine, 'busy_timeout')).toBe(1234);
    await engine.close();
  });
});

describe('pragmas', () => {
  it('a file uses WAL (from its first write), synchronous NORMAL and a 30 s busy timeout by default', async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'track.db') });
    await engine.ensureColumns('t', []);
    expect(await pragma(engine, 'journal_mode')).toBe('wal');
    expect(await pragma(engine, 'synchronous')).toBe(1); // NORMAL
    expect(await pragma(engine, 'busy_timeout')).toBe(30_000);
    await engine.close();
  });

  it("synchronous: 'full' and a custom busy timeout are applied", async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'track.db'), synchronous: 'full', busyTimeoutMs: 1500 });
    expect(await pragma(engine, 'synchronous')).toBe(2); // FULL
    expect(await pragma(engine, 'busy_timeout')).toBe(1500);
    expect(await pragma(engine, 'journal_mode')).toBe('wal');
    await engine.close();
  });

  it('opening and reading leave a rollback-journal file byte-identical; the first write sets WAL', async () => {
    const file = path.join(tempDir(), 'journal.db');
    const raw = new Database(file);
    raw.exec("CREATE TABLE t (track_id TEXT, timestamp TEXT, a INTEGER, PRIMARY KEY (track_id, timestamp)); INSERT INTO t VALUES ('r', '1', 1); CREATE TABLE other (x INTEGER)");
    raw.close();
    const before = readFileSync(file);
    const reader = await sqliteEngine.create({ path: file });
    expect(await reader.tables()).toEqual(['t']);
    expect(await reader.describe('t')).toHaveLength(3);
    expect(await reader.select('t')).toEqual([{ track_id: 'r', timestamp: '1', a: 1 }]);
    expect(await reader.count('t')).toBe(1);
    await reader.ensureColumns('t', [{ name: 'a', type: 'integer' }]); // nothing to add: nothing written
    expect((await failure(() => reader.ensureColumns('other', [{ name: 'x', type: 'integer' }]))).code).toBe('SCHEMA_MISMATCH');
    await reader.close();
    expect(readFileSync(file).equals(before), 'opening, reading, ensureColumns with nothing to add, and on a table of another shape').toBe(true);

    const writer = await sqliteEngine.create({ path: file });
    await writer.insert('t', [{ track_id: 'r', timestamp: '2', a: 2 }]);
    expect(await pragma(writer, 'journal_mode')).toBe('wal');
    await writer.close();
  });

  it('WAL is persistent in the file: another plain connection sees it', async () => {
    const file = path.join(tempDir(), 'track.db');
    const engine = await sqliteEngine.create({ path: file });
    await engine.ensureColumns('t', []);
    await engine.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it(':memory: keeps the memory journal and still sets synchronous and the busy timeout', async () => {
    const engine = await sqliteEngine.create({ path: ':memory:', synchronous: 'full', busyTimeoutMs: 10 });
    expect(await pragma(engine, 'journal_mode')).toBe('memory');
    expect(await pragma(engine, 'synchronous')).toBe(2);
    expect(await pragma(engine, 'busy_timeout')).toBe(10);
    await engine.close();
  });
});

describe('opening files', () => {
  it('creates the parent directories of a new file', async () => {
    const file = path.join(tempDir(), 'a', 'b c', 'ü', 'track.db');
    const engine = await sqliteEngine.create({ path: file });
    await engine.ensureColumns('t', []);
    expect(existsSync(file)).toBe(true);
    await engine.close();
  });

  for (const option of ['fileMustExist', 'readonly'] as const) {
    it(`${option}: a missing file is NOT_FOUND naming the path, and nothing is created`, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'sub', 'none.db');
      const error = await failure(() => sqliteEngine.create({ path: file, [option]: true }));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain(file);
      expect(existsSync(path.join(dir, 'sub'))).toBe(false);
    });
  }

  it('fileMustExist opens an existing file', async () => {
    const file = path.join(tempDir(), 'track.db');
    const writer = await sqliteEngine.create({ path: file });
    await writer.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    await writer.insert('t', [{ track_id: 'x', timestamp: '1', a: 1 }]);
    await writer.close();
    const engine = await sqliteEngine.create({ path: file, fileMustExist: true });
    expect(await engine.select('t')).toEqual([{ track_id: 'x', timestamp: '1', a: 1 }]);
    await engine.close();
  });

  for (const extra of [{}, { fileMustExist: true }, { readonly: true }, { synchronous: 'full' as const }]) {
    it(`a file that is not a database is NOT_A_DATABASE at create() and stays byte-for-byte the same (${JSON.stringify(extra)})`, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'notes.db');
      writeFileSync(file, NOT_SQLITE);
      const before = readFileSync(file);
      const mtime = statSync(file).mtimeMs;
      const error = await failure(() => sqliteEngine.create({ path: file, ...extra }));
      expect(error.code).toBe('NOT_A_DATABASE');
      expect(error.message).toContain(file);
      expect((error.cause as { code?: string }).code).toBe('SQLITE_NOTADB');
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(statSync(file).mtimeMs).toBe(mtime);
      expect(existsSync(`${file}-wal`)).toBe(false);
      expect(existsSync(`${file}-journal`)).toBe(false);
    });
  }
});

describe('readonly: true', () => {
  const prepared = async (): Promise<{ file: string; bytes: Buffer }> => {
    const file = path.join(tempDir(), 'track.db');
    const writer = await sqliteEngine.create({ path: file });
    await writer.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    await writer.insert('t', [{ track_id: 'x', timestamp: '1', a: 1 }]);
    await writer.close();
    return { file, bytes: readFileSync(file) };
  };

  it('reads, and every write rejects with READ_ONLY without changing the file', async () => {
    const { file, bytes } = await prepared();
    const engine = await sqliteEngine.create({ path: file, readonly: true });
    expect(await engine.tables()).toEqual(['t']);
    expect(await engine.select('t')).toEqual([{ track_id: 'x', timestamp: '1', a: 1 }]);
    const writes: [string, () => Promise<unknown>][] = [
      ['insert', () => engine.insert('t', [{ track_id: 'y', timestamp: '2', a: 2 }])],
      [
        'insert many',
        () =>
          engine.insert('t', [
            { track_id: 'y', timestamp: '2' },
            { track_id: 'y', timestamp: '3' },
          ]),
      ],
      ['ensureColumns (new column)', () => engine.ensureColumns('t', [{ name: 'b', type: 'text' }])],
      ['ensureColumns (new table)', () => engine.ensureColumns('u', [])],
      ['update', () => engine.update('t', { a: 5 }, [])],
      ['delete', () => engine.delete('t', [])],
      ['sql', () => (engine.sql as NonNullable<Engine['sql']>)('DELETE FROM "t"')],
    ];
    for (const [what, write] of writes) {
      const error = await failure(write);
      expect(error.code, what).toBe<XetrackErrorCode>('READ_ONLY');
      expect(error.message, what).toContain(file);
    }
    expect(await engine.select('t')).toEqual([{ track_id: 'x', timestamp: '1', a: 1 }]);
    await engine.close();
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe('an injected database handle', () => {
  it('is used as is, gets the pragmas, and stays open after close()', async () => {
    const file = path.join(tempDir(), 'own.db');
    const db = new Database(file);
    const engine = await sqliteEngine.create({ database: db, synchronous: 'full', busyTimeoutMs: 777 });
    expect(engine.location).toBe(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete'); // WAL comes with the first write
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(777);
    await engine.ensureColumns('t', [{ name: 'ok', type: 'boolean' }]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    await engine.insert('t', [{ track_id: 'x', timestamp: '1', ok: true }]);
    expect(db.prepare('SELECT ok FROM t').pluck().get()).toBe(1);
    await engine.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    expect((await failure(() => engine.count('t'))).code).toBe('CLOSED');
    db.close();
  });

  it('takes its location from options.path when given', async () => {
    const db = new Database(':memory:');
    const engine = await sqliteEngine.create({ database: db, path: 'my-label' });
    expect(engine.location).toBe('my-label');
    await engine.close();
    db.close();
  });

  it('a closed handle is INVALID_ARGUMENT, and a handle closed by its owner later makes calls CLOSED', async () => {
    const closed = new Database(':memory:');
    closed.close();
    expect((await failure(() => sqliteEngine.create({ database: closed }))).code).toBe('INVALID_ARGUMENT');
    const db = new Database(':memory:');
    const engine = await sqliteEngine.create({ database: db });
    db.close();
    expect((await failure(() => engine.tables())).code).toBe('CLOSED');
  });
});

describe('file permissions', () => {
  it('a file without write permission reads, and writes reject with READ_ONLY, nothing written', async () => {
    // Root ignores file modes, so when the tests run as root the check runs in a child process
    // as the unprivileged user `nobody` (uid 65534); otherwise as the current user.
    const { spawnSync } = await import('node:child_process');
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const wal = path.join(dir, 'wal.db');
    const writer = await sqliteEngine.create({ path: wal });
    await writer.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    await writer.insert('t', [{ track_id: 'x', timestamp: '1', a: 1 }]);
    await writer.close();
    // A file in the rollback-journal mode (as Python xetrack writes them): WAL cannot be switched on.
    const legacy = path.join(dir, 'legacy.db');
    const db = new Database(legacy);
    db.exec('CREATE TABLE t (track_id TEXT, timestamp TEXT, a INTEGER, PRIMARY KEY (track_id, timestamp))');
    db.prepare('INSERT INTO t VALUES (?, ?, ?)').run('x', '1', 1);
    db.close();
    for (const file of [wal, legacy]) chmodSync(file, 0o444);
    const before = [readFileSync(wal), readFileSync(legacy)];
    const asRoot = process.getuid?.() === 0;
    const child = spawnSync(process.execPath, [path.join(import.meta.dirname, 'support', 'readonly-child.mjs'), wal, legacy], {
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as Record<string, { rows: number; writes: string[] }>;
    for (const file of [wal, legacy]) {
      expect(report[file]?.rows, file).toBe(1);
      expect(report[file]?.writes, file).toEqual(['READ_ONLY', 'READ_ONLY', 'READ_ONLY', 'READ_ONLY']);
    }
    expect(readFileSync(wal).equals(before[0] as Buffer)).toBe(true);
    expect(readFileSync(legacy).equals(before[1] as Buffer)).toBe(true);
  });
});

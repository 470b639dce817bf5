/**
 * Files: a path in a missing directory, read-only files and directories, a file that is not a
 * database, a table of our name with another shape, a full disk. Each gives a clear error (or works
 * as documented), writes nothing it should not, and leaves earlier rows intact.
 *
 * How "read-only" is made here, as root (chmod does not stop root): `chattr +i` (immutable: not even
 * root may write), a read-only bind mount, and the engine's `readonly` option. A full disk: a small
 * tmpfs mount, and SQLite's `max_page_count` through an injected handle (works without root).
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isXetrackError, Reader, Tracker, type XetrackError } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { integrityCheck, openRaw, recordFigure, removeTempDirs, schemaOf, tempDir } from '../src/support.js';
import { CAN_CHATTR, CAN_MOUNT, clearImmutable, makeImmutable, mountReadOnly, mountTmpfs, resizeTmpfs, sha256, unmountAll } from '../src/system.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../../fixtures/python-xetrack-0.7.0/xetrack_fixture.db');

afterEach(() => {
  clearImmutable();
  unmountAll();
});
afterAll(removeTempDirs);

async function failure(run: () => Promise<unknown>): Promise<XetrackError> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected a failure, but it worked');
  if (!isXetrackError(error)) throw new Error(`expected a XetrackError, got ${String(error)}`);
  return error;
}

/** A closed WAL database with one tracking table of `rows` rows. */
async function database(file: string, rows = 3): Promise<void> {
  const tracker = await Tracker.open(file, { trackId: 'seed', warnings: false });
  await tracker.logBatch(Array.from({ length: rows }, (_, i) => ({ i, note: `row ${i}` })));
  await tracker.close();
}

/** Files next to `file` that SQLite may create (journal, WAL, shared memory), with their sizes. */
function sideFiles(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const suffix of ['-journal', '-wal', '-shm']) if (existsSync(file + suffix)) out[suffix] = statSync(file + suffix).size;
  return out;
}

describe('files: where the database goes', () => {
  it('a path in a missing directory: the directories are created', async () => {
    const file = path.join(tempDir(), 'a', 'b', 'c', 'track.db');
    const tracker = await Tracker.open(file, { warnings: false });
    await tracker.log({ x: 1 });
    await tracker.close();
    expect(integrityCheck(file)).toBe('ok');
    const reader = await Reader.open(file);
    expect(await reader.count()).toBe(1);
    await reader.close();
  });

  it('a reader of a missing path: NOT_FOUND, and nothing is created', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'missing', 'track.db');
    const error = await failure(() => Reader.open(file));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(file);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('files: read-only', () => {
  it('engineOptions { readonly: true }: reads work, every write is READ_ONLY, the file is untouched', async () => {
    const file = path.join(tempDir(), 'ro.db');
    await database(file);
    const before = sha256(file);
    const tracker = await Tracker.open(file, { engineOptions: { readonly: true }, warnings: false });
    expect(await tracker.countAll()).toBe(3);
    const error = await failure(() => tracker.log({ i: 99 }));
    expect(error.code).toBe('READ_ONLY');
    expect(error.message).toMatch(/read-only/);
    expect((await failure(() => tracker.setValue('i', 5))).code).toBe('READ_ONLY');
    await tracker.close();
    expect(sha256(file)).toBe(before);
  });

  it.skipIf(!CAN_CHATTR)('an immutable file (chattr +i; skipped where chattr is not allowed): READ_ONLY, the file is untouched', async () => {
    const file = path.join(tempDir(), 'immutable.db');
    await database(file);
    const before = sha256(file);
    makeImmutable(file);
    const tracker = await Tracker.open(file, { warnings: false });
    expect(await tracker.countAll()).toBe(3);
    const error = await failure(() => tracker.log({ i: 99 }));
    expect(error.code).toBe('READ_ONLY');
    expect(error.message).toMatch(/read-only/);
    expect((await failure(() => tracker.logBatch([{ i: 1 }, { i: 2 }]))).code).toBe('READ_ONLY');
    await tracker.close();
    // a new table in it: refused when the tracker opens
    const other = await failure(() => Tracker.open(file, { table: 'other', warnings: false }));
    expect(other.code).toBe('READ_ONLY');
    expect(sha256(file)).toBe(before);
    // SQLite may create an empty -wal/-shm beside it (the directory is writable); no page was written
    expect(sideFiles(file)['-wal'] ?? 0).toBe(0);
    const reader = await Reader.open(file);
    expect(await reader.count()).toBe(3);
    await reader.close();
  });

  it.skipIf(!CAN_MOUNT)('a Python xetrack file on a read-only mount (skipped where mount is not allowed): reads work, writes are READ_ONLY, nothing written', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'src'));
    copyFileSync(FIXTURE, path.join(dir, 'src', 'py.db'));
    const before = sha256(path.join(dir, 'src', 'py.db'));
    mountReadOnly(path.join(dir, 'src'), path.join(dir, 'ro'));
    const file = path.join(dir, 'ro', 'py.db');
    const reader = await Reader.open(file);
    expect(await reader.count()).toBeGreaterThan(0);
    await reader.close();
    const tracker = await Tracker.open(file, { warnings: false });
    const error = await failure(() => tracker.log({ epoch: 99 }));
    expect(error.code).toBe('READ_ONLY');
    await tracker.close();
    expect(readdirSync(path.join(dir, 'ro'))).toEqual(['py.db']);
    unmountAll();
    expect(sha256(path.join(dir, 'src', 'py.db'))).toBe(before);
  });

  // Was a bug: SQLITE_CANTOPEN was ENGINE_FAILURE "Check the statement and the file." for each of these.
  describe('SQLITE_CANTOPEN says why', () => {
    it.skipIf(!CAN_MOUNT)('a WAL file on a read-only mount, opened by a tracker (skipped where mount is not allowed): READ_ONLY naming the read-only directory', async () => {
      const dir = tempDir();
      mkdirSync(path.join(dir, 'src'));
      await database(path.join(dir, 'src', 'wal.db'));
      mountReadOnly(path.join(dir, 'src'), path.join(dir, 'ro'));
      const error = await failure(() => Tracker.open(path.join(dir, 'ro', 'wal.db'), { warnings: false }));
      expect(error.code, error.message).toBe('READ_ONLY');
      expect(error.message).toMatch(/WAL mode and its directory is read-only/);
    });

    it.skipIf(!CAN_MOUNT)('a WAL file on a read-only mount, opened by a reader (skipped where mount is not allowed): READ_ONLY naming the read-only directory', async () => {
      const dir = tempDir();
      mkdirSync(path.join(dir, 'src'));
      await database(path.join(dir, 'src', 'wal.db'));
      mountReadOnly(path.join(dir, 'src'), path.join(dir, 'ro'));
      const error = await failure(() => Reader.open(path.join(dir, 'ro', 'wal.db')));
      expect(error.code, error.message).toBe('READ_ONLY');
      expect(error.message).toMatch(/WAL mode and its directory is read-only/);
    });

    it.skipIf(!CAN_CHATTR)('a new file in a directory that cannot be written (chattr +i; skipped where chattr is not allowed): READ_ONLY, nothing created', async () => {
      const locked = path.join(tempDir(), 'locked');
      mkdirSync(locked);
      makeImmutable(locked);
      const error = await failure(() => Tracker.open(path.join(locked, 'new.db'), { warnings: false }));
      expect(error.code, error.message).toBe('READ_ONLY');
      expect(error.message).toMatch(/its directory is not writable/);
      expect(readdirSync(locked)).toEqual([]);
    });

    it('a directory given as the path: NOT_A_DATABASE saying it is a directory', async () => {
      const dir = tempDir();
      const error = await failure(() => Tracker.open(dir, { warnings: false }));
      expect(error.code, error.message).toBe('NOT_A_DATABASE');
      expect(error.message).toContain(`${dir} is a directory`);
      expect(readdirSync(dir)).toEqual([]);
      // opened only to read, SQLite's own word was "disk I/O error"
      const reading = await failure(() => Reader.open(dir));
      expect(reading.code, reading.message).toBe('NOT_A_DATABASE');
      expect(reading.message).toContain(`${dir} is a directory`);
      expect(readdirSync(dir)).toEqual([]);
    });
  });
});

describe('files: not a database', () => {
  const bad: Record<string, Buffer> = {
    'a text file': Buffer.from('This is a plain text file, not a SQLite database.\n'.repeat(100)),
    'random bytes': Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 251)),
    'a CSV export': Buffer.from('track_id,timestamp,acc\nrun,2024-01-01 00:00:00.000000,0.9\n'),
  };
  for (const [name, content] of Object.entries(bad)) {
    it(`${name}: NOT_A_DATABASE for a tracker and a reader, and the file is left byte for byte`, async () => {
      const file = path.join(tempDir(), 'not.db');
      writeFileSync(file, content);
      const before = sha256(file);
      for (const open of [() => Tracker.open(file, { warnings: false }), () => Reader.open(file)]) {
        const error = await failure(open);
        expect(error.code).toBe('NOT_A_DATABASE');
        expect(error.message).toContain(file);
        expect(error.message).toMatch(/not a SQLite database/);
      }
      expect(sha256(file)).toBe(before);
      expect(sideFiles(file)).toEqual({});
    });
  }

  it('a database cut to its 100-byte header: a clear error naming the damage, the file untouched', async () => {
    const source = path.join(tempDir(), 'whole.db');
    await database(source, 50);
    const file = path.join(tempDir(), 'cut.db');
    writeFileSync(file, (await import('node:fs')).readFileSync(source).subarray(0, 100));
    const before = sha256(file);
    const error = await failure(() => Tracker.open(file, { warnings: false }));
    expect(['NOT_A_DATABASE', 'ENGINE_FAILURE']).toContain(error.code);
    expect(error.message).toMatch(/malformed|not a SQLite database/);
    expect(sha256(file)).toBe(before);
  });

  it("an empty file is a new, empty SQLite database (SQLite's rule): it becomes a tracking database", async () => {
    const file = path.join(tempDir(), 'empty.db');
    writeFileSync(file, '');
    const tracker = await Tracker.open(file, { warnings: false });
    await tracker.log({ x: 1 });
    await tracker.close();
    expect(integrityCheck(file)).toBe('ok');
  });
});

describe('files: a table of our name with another shape', () => {
  const shapes: Record<string, string> = {
    'no track_id or timestamp': 'CREATE TABLE "default" (a INTEGER, b TEXT); INSERT INTO "default" VALUES (1, \'x\')',
    'track_id but no timestamp': 'CREATE TABLE "default" (track_id TEXT, value REAL); INSERT INTO "default" VALUES (\'r\', 0.5)',
    'a view without them': 'CREATE TABLE base (a INTEGER); INSERT INTO base VALUES (1); CREATE VIEW "default" AS SELECT a FROM base',
  };
  for (const [name, ddl] of Object.entries(shapes)) {
    it(`${name}: SCHEMA_MISMATCH for a tracker and a reader; the table and its rows are unchanged`, async () => {
      const file = path.join(tempDir(), 'shape.db');
      const db = new Database(file);
      db.exec(ddl);
      const schema = schemaOf(db);
      const rows = db.prepare('SELECT * FROM "default"').all();
      db.close();
      const before = sha256(file);
      for (const open of [() => Tracker.open(file, { warnings: false }), () => Reader.open(file), () => Tracker.open(file, { warnings: false, params: { p: 1 } })]) {
        const error = await failure(open);
        expect(error.code).toBe('SCHEMA_MISMATCH');
        expect(error.message).toMatch(/not a tracking table/);
        expect(error.message).toContain('default');
      }
      expect(sha256(file), 'the file is byte-identical').toBe(before);
      const after = openRaw(file, { readonly: true });
      expect(schemaOf(after)).toEqual(schema);
      expect(after.prepare('SELECT * FROM "default"').all()).toEqual(rows);
      after.close();
    });
  }

  // Was a bug: every open that was not read-only ran `PRAGMA journal_mode = WAL`, rewriting a Python
  // rollback-journal file (header bytes 18-19) even to read it. WAL is now set at the first write.
  it('Reader.open and a failed Tracker.open leave a rollback-journal file byte-identical', async () => {
    const file = path.join(tempDir(), 'journal.db');
    const db = new Database(file);
    db.exec('CREATE TABLE "default" (track_id TEXT, timestamp TEXT, a INTEGER, PRIMARY KEY (track_id, timestamp)); CREATE TABLE other (a INTEGER)');
    db.exec("INSERT INTO \"default\" VALUES ('r', 't', 1)");
    db.close();
    const before = sha256(file);
    const reader = await Reader.open(file);
    expect(await reader.count()).toBe(1);
    await reader.close();
    expect(sha256(file), 'after Reader.open').toBe(before);
    await failure(() => Tracker.open(file, { table: 'other', warnings: false }));
    expect(sha256(file), 'after a failed Tracker.open').toBe(before);
  });

  it('a view with track_id and timestamp: logging fails with a clear error, the table under it is unchanged', async () => {
    const file = path.join(tempDir(), 'view.db');
    const db = new Database(file);
    db.exec("CREATE TABLE base (track_id TEXT, timestamp TEXT, a INTEGER); INSERT INTO base VALUES ('r', 't', 1); CREATE VIEW \"default\" AS SELECT * FROM base");
    db.close();
    const error = await failure(async () => {
      const tracker = await Tracker.open(file, { warnings: false });
      try {
        await tracker.log({ a: 2 });
      } finally {
        await tracker.close();
      }
    });
    expect(error.message).toMatch(/view/);
    const after = openRaw(file, { readonly: true });
    expect(after.prepare('SELECT * FROM base').all()).toEqual([{ track_id: 'r', timestamp: 't', a: 1 }]);
    after.close();
  });
});

/** Logs 1 KB rows until the store is full; returns how many resolved and the error that ended it. */
async function fill(tracker: Tracker): Promise<{ resolved: number; error: unknown }> {
  const blob = 'x'.repeat(1000);
  for (let i = 0; i < 1_000_000; i++) {
    try {
      await tracker.log({ i, blob });
    } catch (error) {
      return { resolved: i, error };
    }
  }
  throw new Error('the store never filled up');
}

/** After STORAGE_FULL: the resolved rows are all there, a batch is refused whole, and the tracker still reads. */
async function checkFull(tracker: Tracker, resolved: number): Promise<void> {
  expect(await tracker.countRun()).toBe(resolved);
  expect(await tracker.values('i')).toEqual(Array.from({ length: resolved }, (_, i) => i));
  const batch = await failure(() => tracker.logBatch(Array.from({ length: 20 }, (_, k) => ({ i: resolved + k, blob: 'y'.repeat(1000) }))));
  expect(batch.code).toBe('STORAGE_FULL');
  expect(await tracker.countRun()).toBe(resolved);
}

describe('files: a full disk', () => {
  it.skipIf(!CAN_MOUNT)('a 512 KB tmpfs (skipped where mount is not allowed): STORAGE_FULL, earlier rows intact, logging resumes once there is room', async () => {
    const mnt = path.join(tempDir(), 'small');
    mountTmpfs(mnt, '512k');
    const file = path.join(mnt, 'full.db');
    const tracker = await Tracker.open(file, { trackId: 'full', warnings: false });
    const { resolved, error } = await fill(tracker);
    expect(isXetrackError(error, 'STORAGE_FULL'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/full/);
    expect(resolved).toBeGreaterThan(10);
    await checkFull(tracker, resolved);
    resizeTmpfs(mnt, '8m');
    await tracker.log({ i: resolved, blob: 'z' });
    expect(await tracker.countRun()).toBe(resolved + 1);
    await tracker.close();
    expect(integrityCheck(file)).toBe('ok');
    recordFigure('full-disk-tmpfs', { tmpfsBytes: 512 * 1024, rowsBeforeFull: resolved, rowBytes: 1000 });
  });

  it('SQLite max_page_count on an injected handle (no root needed): STORAGE_FULL, earlier rows intact, logging resumes once the limit is raised', async () => {
    const file = path.join(tempDir(), 'pages.db');
    const db = new Database(file);
    const engine = await sqliteEngine.create({ database: db });
    db.pragma('max_page_count = 64'); // 64 pages of 4 KB
    const tracker = await Tracker.open(file, { engine, trackId: 'full', warnings: false });
    const { resolved, error } = await fill(tracker);
    expect(isXetrackError(error, 'STORAGE_FULL'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/full/);
    expect(resolved).toBeGreaterThan(10);
    await checkFull(tracker, resolved);
    db.pragma('max_page_count = 100000');
    await tracker.log({ i: resolved, blob: 'z' });
    expect(await tracker.countRun()).toBe(resolved + 1);
    await tracker.close();
    await engine.close();
    db.close();
    expect(integrityCheck(file)).toBe('ok');
    recordFigure('full-disk-max-page-count', { maxPages: 64, rowsBeforeFull: resolved, rowBytes: 1000 });
  });
});

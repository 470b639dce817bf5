import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isXetrackError, type Engine, type XetrackError } from '@xetrack/core/engine';
import { sqliteEngine } from '../src/index.js';
import { toXetrackError } from '../src/sqlite-errors.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

async function failure(promise: Promise<unknown>): Promise<XetrackError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  if (!isXetrackError(error)) throw error;
  return error;
}

function native(code: string, message = 'native message'): Error {
  return Object.assign(new Error(message), { code });
}

describe('native errors become XetrackErrors', () => {
  const context = { location: '/data/track.db', action: 'insert into "t"' };
  const cases: [Error, string][] = [
    [native('SQLITE_CONSTRAINT_PRIMARYKEY'), 'DUPLICATE_KEY'],
    [native('SQLITE_CONSTRAINT_UNIQUE'), 'ENGINE_FAILURE'],
    [native('SQLITE_BUSY'), 'LOCKED'],
    [native('SQLITE_BUSY_SNAPSHOT'), 'LOCKED'],
    [native('SQLITE_LOCKED'), 'LOCKED'],
    [native('SQLITE_LOCKED_SHAREDCACHE'), 'LOCKED'],
    [native('SQLITE_READONLY'), 'READ_ONLY'],
    [native('SQLITE_READONLY_DBMOVED'), 'READ_ONLY'],
    [native('SQLITE_FULL'), 'STORAGE_FULL'],
    [native('SQLITE_NOTADB'), 'NOT_A_DATABASE'],
    [native('SQLITE_ERROR', 'no such table: t'), 'UNKNOWN_TABLE'],
    [native('SQLITE_ERROR', 'table t has no column named x'), 'UNKNOWN_COLUMN'],
    [native('SQLITE_ERROR', 'near "x": syntax error'), 'ENGINE_FAILURE'],
    [native('SQLITE_IOERR_WRITE'), 'ENGINE_FAILURE'],
    [new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null'), 'INVALID_VALUE'],
    [new RangeError('The bound string, buffer, or bigint is too big'), 'INVALID_VALUE'],
    [new TypeError('The database connection is not open'), 'CLOSED'],
    [new Error('something else'), 'ENGINE_FAILURE'],
  ];
  for (const [error, code] of cases) {
    it(`${(error as { code?: string }).code ?? error.name}: ${error.message} -> ${code}`, () => {
      const wrapped = toXetrackError(error, context);
      expect(wrapped.code).toBe(code);
      expect(wrapped.cause).toBe(error);
      expect(wrapped.message).toContain('/data/track.db');
      expect(wrapped.message).toContain('insert into "t"');
      expect(wrapped.message).toContain(error.message);
    });
  }

  it('a XetrackError passes through unchanged', () => {
    const original = toXetrackError(native('SQLITE_FULL'), context);
    expect(toXetrackError(original, context)).toBe(original);
  });
});

describe('errors from a real database', () => {
  const open = async (options: { busyTimeoutMs?: number } = {}) => {
    const file = path.join(tempDir(), 'track.db');
    const engine = await sqliteEngine.create({ path: file, ...options });
    await engine.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    return { file, engine };
  };

  it('DUPLICATE_KEY keeps the native error and says which row', async () => {
    const { engine, file } = await open();
    await engine.insert('t', [{ track_id: 'x', timestamp: '1' }]);
    const error = await failure(
      engine.insert('t', [
        { track_id: 'y', timestamp: '1' },
        { track_id: 'x', timestamp: '1' },
      ]),
    );
    expect(error.code).toBe('DUPLICATE_KEY');
    expect((error.cause as { code: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(error.message).toContain(file);
    expect(error.message).toContain('row 2 of 2');
    expect(await engine.count('t')).toBe(1);
    await engine.close();
  });

  it('insert into a missing table is UNKNOWN_TABLE; into a missing column UNKNOWN_COLUMN; then ensureColumns fixes it', async () => {
    const { engine } = await open();
    expect((await failure(engine.insert('nope', [{ track_id: 'x', timestamp: '1' }]))).code).toBe('UNKNOWN_TABLE');
    expect((await failure(engine.insert('t', [{ track_id: 'x', timestamp: '1', b: 1 }]))).code).toBe('UNKNOWN_COLUMN');
    await engine.ensureColumns('t', [{ name: 'b', type: 'integer' }]);
    expect(await engine.insert('t', [{ track_id: 'x', timestamp: '1', b: 1 }])).toBe(1);
    await engine.close();
  });

  it('a write lock held elsewhere past the busy timeout is LOCKED; reads still work; it succeeds once released', async () => {
    const { engine, file } = await open({ busyTimeoutMs: 50 });
    await engine.insert('t', [{ track_id: 'x', timestamp: '0', a: 0 }]);
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    holder.prepare("INSERT INTO t (track_id, timestamp, a) VALUES ('h', '1', 1)").run();
    for (const write of [
      () => engine.insert('t', [{ track_id: 'x', timestamp: '1', a: 1 }]),
      () =>
        engine.insert('t', [
          { track_id: 'x', timestamp: '2' },
          { track_id: 'x', timestamp: '3' },
        ]),
      () => engine.ensureColumns('t', [{ name: 'b', type: 'text' }]),
      () => engine.update('t', { a: 5 }, []),
      () => engine.delete('t', []),
    ]) {
      const error = await failure(write());
      expect(error.code).toBe('LOCKED');
      expect(error.message).toContain(file);
    }
    expect(await engine.select('t')).toEqual([{ track_id: 'x', timestamp: '0', a: 0 }]);
    holder.exec('COMMIT');
    holder.close();
    expect(await engine.insert('t', [{ track_id: 'x', timestamp: '1', a: 1 }])).toBe(1);
    expect(await engine.count('t')).toBe(3);
    await engine.close();
  });

  it('a full database is STORAGE_FULL, nothing of the call is kept, and the engine keeps working', async () => {
    const { engine } = await open();
    await engine.ensureColumns('t', [{ name: 'x', type: 'blob' }]);
    const pages = (await (engine.sql as NonNullable<Engine['sql']>)('PRAGMA page_count'))[0]?.page_count as number;
    await (engine.sql as NonNullable<Engine['sql']>)(`PRAGMA max_page_count = ${pages + 4}`);
    const big = new Uint8Array(64 * 1024);
    const error = await failure(
      engine.insert('t', [
        { track_id: 'x', timestamp: '1', x: new Uint8Array(10) },
        { track_id: 'x', timestamp: '2', x: big },
      ]),
    );
    expect(error.code).toBe('STORAGE_FULL');
    expect(await engine.count('t')).toBe(0);
    expect(await engine.insert('t', [{ track_id: 'x', timestamp: '1', x: new Uint8Array(10) }])).toBe(1);
    await engine.close();
  });
});

describe('no transaction outlives a call', () => {
  /** True when another connection can take the write lock at once (no waiting). */
  const writable = (file: string): boolean => {
    const other = new Database(file, { timeout: 0 });
    try {
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
      return true;
    } catch {
      return false;
    } finally {
      other.close();
    }
  };

  it('after successful and failed calls of every kind, another connection can write at once', async () => {
    const file = path.join(tempDir(), 'track.db');
    const engine = await sqliteEngine.create({ path: file });
    expect(writable(file)).toBe(true);
    await engine.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    expect(writable(file)).toBe(true);
    await engine.insert('t', [
      { track_id: 'x', timestamp: '1' },
      { track_id: 'x', timestamp: '2' },
    ]);
    expect(writable(file)).toBe(true);
    await engine
      .insert('t', [
        { track_id: 'y', timestamp: '1' },
        { track_id: 'x', timestamp: '1' },
      ])
      .catch(() => undefined);
    expect(writable(file)).toBe(true);
    await engine.ensureColumns('t', [{ name: 'bad\0', type: 'text' }]).catch(() => undefined);
    expect(writable(file)).toBe(true);
    await engine
      .insert('t', [
        { track_id: 'z', timestamp: '1' },
        { track_id: 'z', timestamp: '2', missing: 1 },
      ])
      .catch(() => undefined);
    expect(writable(file)).toBe(true);
    expect(await engine.count('t')).toBe(2);
    await engine.close();
  });

  it('between the yields of iterate(), another connection can write at once', async () => {
    const file = path.join(tempDir(), 'track.db');
    const engine = await sqliteEngine.create({ path: file });
    await engine.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    await engine.insert(
      't',
      Array.from({ length: 12_000 }, (_, a) => ({ track_id: 'x', timestamp: String(a).padStart(6, '0'), a })),
    );
    let n = 0;
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('t')) {
      if (n % 2500 === 0) {
        expect(writable(file), `after row ${n}`).toBe(true);
        expect(row.a).toBe(n);
      }
      n++;
    }
    expect(n).toBe(12_000);
    await engine.close();
  });
});

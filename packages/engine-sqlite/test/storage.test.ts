import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isXetrackError, type ColumnType, type Engine } from '@xetrack/core/engine';
import { sqliteEngine } from '../src/index.js';
import { columnTypeOf, declaredType } from '../src/sqlite-types.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

const sqlOf = (engine: Engine) => (engine.sql as NonNullable<Engine['sql']>).bind(engine);

describe('the Python xetrack file layout', () => {
  it('creates tables as Python does, and adds columns with the declared types', async () => {
    const file = path.join(tempDir(), 'track.db');
    const engine = await sqliteEngine.create({ path: file });
    await engine.ensureColumns('default', [{ name: 'model', type: 'text' }]);
    const types: ColumnType[] = ['integer', 'float', 'text', 'boolean', 'blob', 'json'];
    await engine.ensureColumns(
      'default',
      types.map((type) => ({ name: `c_${type}`, type })),
    );
    await engine.close();

    const db = new Database(file, { readonly: true });
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'default'").pluck().get() as string;
    // SQLite writes ALTER TABLE ADD COLUMN into the CREATE text, before the key clause: as in the Python fixture.
    expect(sql).toBe(
      'CREATE TABLE "default" (track_id TEXT, timestamp TEXT, "model" TEXT, "c_integer" INTEGER, "c_float" REAL, "c_text" TEXT, ' +
        '"c_boolean" BOOLEAN, "c_blob" BLOB, "c_json" JSON, PRIMARY KEY (track_id, timestamp))',
    );
    const info = db.prepare("SELECT name, type, pk FROM pragma_table_info('default')").all();
    expect(info).toEqual([
      { name: 'track_id', type: 'TEXT', pk: 1 },
      { name: 'timestamp', type: 'TEXT', pk: 2 },
      { name: 'model', type: 'TEXT', pk: 0 },
      { name: 'c_integer', type: 'INTEGER', pk: 0 },
      { name: 'c_float', type: 'REAL', pk: 0 },
      { name: 'c_text', type: 'TEXT', pk: 0 },
      { name: 'c_boolean', type: 'BOOLEAN', pk: 0 },
      { name: 'c_blob', type: 'BLOB', pk: 0 },
      { name: 'c_json', type: 'JSON', pk: 0 },
    ]);
    db.close();
  });

  it('tables() leaves out sqlitedict tables (assets, keys, counts) and other non-tracking tables', async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'track.db') });
    for (const t of ['assets', 'keys', 'counts']) {
      await sqlOf(engine)(`CREATE TABLE IF NOT EXISTS "${t}" (key TEXT PRIMARY KEY, value BLOB)`);
    }
    await sqlOf(engine)('CREATE TABLE half (track_id TEXT, other TEXT)');
    await sqlOf(engine)('CREATE TABLE "Upper" (TRACK_ID TEXT, TimeStamp TEXT)');
    await sqlOf(engine)('CREATE VIEW v AS SELECT 1 AS track_id, 2 AS timestamp');
    await engine.ensureColumns('predictions', []);
    await engine.ensureColumns('default', []);
    expect(await engine.tables()).toEqual(['Upper', 'default', 'predictions']);
    await engine.close();
  });

  it('ensureColumns on a table of that name that is not a tracking table is SCHEMA_MISMATCH, and it is left alone', async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'track.db') });
    await sqlOf(engine)('CREATE TABLE "assets" (key TEXT PRIMARY KEY, value BLOB)');
    const error = await engine.ensureColumns('assets', [{ name: 'x', type: 'text' }]).catch((e: unknown) => e);
    expect(isXetrackError(error, 'SCHEMA_MISMATCH')).toBe(true);
    expect((await engine.describe('assets')).map((c) => c.name)).toEqual(['key', 'value']);
    await engine.close();
  });
});

describe('declared types', () => {
  it('write one declared type per column type', () => {
    expect(['integer', 'float', 'text', 'boolean', 'blob', 'json'].map((t) => declaredType(t as ColumnType))).toEqual(['INTEGER', 'REAL', 'TEXT', 'BOOLEAN', 'BLOB', 'JSON']);
    expect(() => declaredType('date' as ColumnType)).toThrow(/unknown column type/);
  });

  it('read what Python xetrack, DuckDB and other tools declare', async () => {
    const cases: [string, ColumnType][] = [
      ['INTEGER', 'integer'],
      ['int', 'integer'],
      ['BIGINT', 'integer'],
      ['UNSIGNED BIG INT', 'integer'],
      ['HUGEINT', 'integer'],
      ['BOOLEAN', 'boolean'],
      ['bool', 'boolean'],
      ['JSON', 'json'],
      ['jsonb', 'json'],
      ['TEXT', 'text'],
      ['VARCHAR', 'text'],
      ['varchar(255)', 'text'],
      ['NCHAR(10)', 'text'],
      ['CLOB', 'text'],
      ['BLOB', 'blob'],
      ['REAL', 'float'],
      ['FLOAT', 'float'],
      ['DOUBLE', 'float'],
      ['DOUBLE PRECISION', 'float'],
      ['DECIMAL(10,2)', 'float'],
      ['NUMERIC', 'float'],
      ['', 'text'],
      ['DATETIME', 'text'],
      ['TIMESTAMP', 'text'],
      ['UUID', 'text'],
    ];
    for (const [declared, type] of cases) expect(columnTypeOf(declared), declared).toBe(type);
    const engine = await sqliteEngine.create({ path: ':memory:' });
    const columns = cases.map(([declared], i) => `c${i} ${declared}`).join(', ');
    await sqlOf(engine)(`CREATE TABLE foreign_made (track_id TEXT, timestamp TEXT, ${columns})`);
    expect((await engine.describe('foreign_made')).slice(2)).toEqual(cases.map(([, type], i) => ({ name: `c${i}`, type })));
    await engine.close();
  });
});

describe('values as SQLite stores them', () => {
  const setup = async () => {
    const engine = await sqliteEngine.create({ path: path.join(tempDir(), 'v.db') });
    await engine.ensureColumns('t', [
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 's', type: 'text' },
      { name: 'b', type: 'boolean' },
      { name: 'x', type: 'blob' },
      { name: 'j', type: 'json' },
    ]);
    return engine;
  };
  const storage = async (engine: Engine) => sqlOf(engine)('SELECT typeof(i) AS i, typeof(f) AS f, typeof(s) AS s, typeof(b) AS b, typeof(x) AS x, typeof(j) AS j FROM "t" ORDER BY timestamp');

  it('booleans as integers 1/0, whole numbers as integers, blobs as blobs, NaN as NULL', async () => {
    const engine = await setup();
    await engine.insert('t', [
      { track_id: 'a', timestamp: '1', i: 5, f: 2, s: 'x', b: true, x: new Uint8Array([1]), j: '{"a":1}' },
      { track_id: 'a', timestamp: '2', i: Number.NaN, f: Number.NaN, s: 7, b: false, x: Buffer.from([2]), j: '[1]' },
    ]);
    expect(await storage(engine)).toEqual([
      { i: 'integer', f: 'real', s: 'text', b: 'integer', x: 'blob', j: 'text' },
      { i: 'null', f: 'null', s: 'text', b: 'integer', x: 'blob', j: 'text' },
    ]);
    expect(await sqlOf(engine)('SELECT b, s FROM "t" ORDER BY timestamp')).toEqual([
      { b: true, s: 'x' },
      { b: false, s: '7' }, // a whole number in a TEXT column is '7', as Python writes it, not '7.0'
    ]);
    await engine.close();
  });

  it('values of another type than the column are stored as given and read back as stored', async () => {
    const engine = await setup();
    await engine.insert('t', [{ track_id: 'a', timestamp: '1', i: 'abc', f: 'text', s: 0.5, b: 7, x: 'not bytes', j: 3 }]);
    expect(await engine.select('t', { columns: ['i', 'f', 's', 'b', 'x', 'j'] })).toEqual([{ i: 'abc', f: 'text', s: '0.5', b: 7, x: 'not bytes', j: '3' }]);
    await engine.close();
  });

  it('integers beyond 2^53 come back as bigints from select, iterate and sql; others as numbers', async () => {
    const engine = await setup();
    await engine.insert('t', [
      { track_id: 'a', timestamp: '1', i: 2n ** 63n - 1n, b: 2n ** 60n },
      { track_id: 'a', timestamp: '2', i: 3 },
    ]);
    const expected = [
      { i: 2n ** 63n - 1n, b: 2n ** 60n },
      { i: 3, b: null },
    ];
    expect(await engine.select('t', { columns: ['i', 'b'] })).toEqual(expected);
    const seen = [];
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('t', { columns: ['i', 'b'] })) seen.push(row);
    expect(seen).toEqual(expected);
    expect(await sqlOf(engine)('SELECT i, b, i - 1 AS e FROM "t" ORDER BY timestamp')).toEqual([
      { i: 2n ** 63n - 1n, b: 2n ** 60n, e: 2n ** 63n - 2n },
      { i: 3, b: null, e: 2 },
    ]);
    await engine.close();
  });

  it('a REAL beyond 2^53 stays a number', async () => {
    const engine = await setup();
    await engine.insert('t', [{ track_id: 'a', timestamp: '1', f: 1e300, x: 1e300, j: 1e20 }]);
    expect(await engine.select('t', { columns: ['f', 'x', 'j'] })).toEqual([{ f: 1e300, x: 1e300, j: '100000000000000000000' }]);
    await engine.close();
  });

  it('refuses values SQLite cannot hold with INVALID_VALUE, keeping nothing of the call', async () => {
    const engine = await setup();
    for (const bad of [2n ** 64n, -(2n ** 63n) - 1n, { a: 1 }, [1, 2], Symbol('s'), () => 1, new Date(0)]) {
      const error = await engine
        .insert('t', [
          { track_id: 'ok', timestamp: '1', i: 1 },
          { track_id: 'bad', timestamp: '2', i: bad as never },
        ])
        .catch((e: unknown) => e);
      expect(isXetrackError(error, 'INVALID_VALUE'), `${String(error)}`).toBe(true);
    }
    expect(await engine.count('t')).toBe(0);
    await engine.close();
  });

  it('JSON text that looks like a number keeps its meaning (SQLite gives JSON columns NUMERIC affinity)', async () => {
    const engine = await setup();
    const docs = ['1.5', '-3', '1e3', '"quoted"', 'false'];
    await engine.insert(
      't',
      docs.map((j, n) => ({ track_id: 'a', timestamp: String(n), j })),
    );
    const back = (await engine.select('t', { columns: ['j'] })).map((r) => r.j);
    expect(back.map((j) => JSON.parse(j as string) as unknown)).toEqual(docs.map((d) => JSON.parse(d) as unknown));
    await engine.close();
  });
});

describe('sql()', () => {
  it('runs one statement only', async () => {
    const engine = await sqliteEngine.create({ path: ':memory:' });
    await engine.ensureColumns('t', []);
    const error = await sqlOf(engine)('SELECT 1; DROP TABLE "t"').catch((e: unknown) => e);
    expect(isXetrackError(error)).toBe(true);
    expect(await engine.tables()).toEqual(['t']);
    await engine.close();
  });

  it('refuses to leave a transaction open, and the engine keeps working', async () => {
    const engine = await sqliteEngine.create({ path: ':memory:' });
    await engine.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    const error = await sqlOf(engine)('BEGIN').catch((e: unknown) => e);
    expect(isXetrackError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(
      await engine.insert('t', [
        { track_id: 'a', timestamp: '1' },
        { track_id: 'a', timestamp: '2' },
      ]),
    ).toBe(2);
    await engine.close();
  });

  it('a schema change through sql() is seen by the next call', async () => {
    const engine = await sqliteEngine.create({ path: ':memory:' });
    await engine.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    await engine.insert('t', [{ track_id: 'a', timestamp: '1', a: 1 }]);
    await sqlOf(engine)('ALTER TABLE "t" ADD COLUMN "flag" BOOLEAN');
    await engine.update('t', { flag: true }, []);
    expect(await engine.select('t')).toEqual([{ track_id: 'a', timestamp: '1', a: 1, flag: true }]);
    await sqlOf(engine)('DROP TABLE "t"');
    expect(await engine.select('t')).toEqual([]);
    await engine.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    expect((await engine.describe('t')).map((c) => c.name)).toEqual(['track_id', 'timestamp', 'a']);
    await engine.close();
  });

  it('INSERT ... RETURNING runs once', async () => {
    const engine = await sqliteEngine.create({ path: ':memory:' });
    await engine.ensureColumns('t', [{ name: 'a', type: 'integer' }]);
    const rows = await sqlOf(engine)('INSERT INTO "t" VALUES (?, ?, ?) RETURNING a', ['x', '1', 2n ** 62n]);
    expect(rows).toEqual([{ a: 2n ** 62n }]);
    expect(await engine.count('t')).toBe(1);
    await engine.close();
  });
});

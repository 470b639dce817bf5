import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isXetrackError, type Engine, type Row } from '@xetrack/core/engine';
import { Reader, Tracker } from '@xetrack/core';
import { PostgresEngine, postgresEngine, type PostgresPool } from '../src/index.js';
import { admin, BASE_URL, dropSchema, uniqueSchema, urlFor } from './support/server.js';

const ts = (i: number) => `2024-01-01 00:00:00.${String(i).padStart(6, '0')}`;
const keyRow = (i: number, values: Row = {}, trackId = 'run'): Row => ({ track_id: trackId, timestamp: ts(i), ...values });

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection, but the call resolved');
    },
    (e: unknown) => e,
  );
  return error as Error & { code?: string };
}

/** Column name -> [data_type, comment] as the server has them. */
async function serverColumns(schema: string, table: string): Promise<Record<string, [string, string | null]>> {
  const rows = await admin<{ attname: string; type: string; comment: string | null }>(
    `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, col_description(c.oid, a.attnum) AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  );
  return Object.fromEntries(rows.map((r) => [r.attname, [r.type, r.comment]]));
}

describe('the PostgreSQL layout', () => {
  let schema: string;
  let engine: Engine;
  const others: Engine[] = [];

  beforeEach(async () => {
    schema = uniqueSchema('store');
    engine = await postgresEngine.create({ url: BASE_URL, schema });
  });
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await engine.close();
    await dropSchema(schema);
  });
  const another = async () => {
    const other = await postgresEngine.create({ url: BASE_URL, schema });
    others.push(other);
    return other;
  };

  it('declares BIGINT, DOUBLE PRECISION, TEXT, BOOLEAN, BYTEA and JSONB, keyed by (track_id, timestamp)', async () => {
    await engine.ensureColumns('t', [
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 's', type: 'text' },
      { name: 'b', type: 'boolean' },
      { name: 'x', type: 'blob' },
      { name: 'j', type: 'json' },
    ]);
    const columns = await serverColumns(schema, 't');
    expect(Object.fromEntries(Object.entries(columns).map(([k, [type]]) => [k, type]))).toEqual({
      track_id: 'text',
      timestamp: 'text',
      i: 'bigint',
      f: 'double precision',
      s: 'text',
      b: 'boolean',
      x: 'bytea',
      j: 'jsonb',
    });
    const key = await admin<{ attname: string }>(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      [`"${schema}"."t"`],
    );
    expect(key.map((k) => k.attname)).toEqual(['track_id', 'timestamp']);
  });

  it('keeps every table in its schema and nothing in public', async () => {
    await engine.ensureColumns('default', [{ name: 'v', type: 'integer' }]);
    const where = await admin<{ table_schema: string }>(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'default'`);
    expect(where.map((w) => w.table_schema)).toContain(schema);
    expect(where.map((w) => w.table_schema)).not.toContain('public');
    expect(engine.location).toBe(`postgres://root@127.0.0.1:5432/test?schema=${schema}`);
  });

  it('stores JSON as JSONB, queryable with JSON operators, and reads it back as compact text', async () => {
    await engine.ensureColumns('t', [{ name: 'cfg', type: 'json' }]);
    await engine.insert('t', [keyRow(1, { cfg: '{"lr": 0.1, "layers": [64, 32], "name": "a b"}' })]);
    const [row] = await engine.select('t');
    // JSONB keeps one copy of each key, ordered by length then bytes; the text is compact.
    expect(row?.cfg).toBe('{"lr":0.1,"name":"a b","layers":[64,32]}');
    const found = await admin<{ lr: string }>(`SELECT cfg->>'lr' AS lr FROM "${schema}"."t" WHERE cfg @> '{"layers": [64]}'`);
    expect(found).toEqual([{ lr: '0.1' }]);
    await expect(engine.insert('t', [keyRow(2, { cfg: 'not json' })])).rejects.toSatisfy((e) => isXetrackError(e, 'INVALID_VALUE'));
  });

  it('shortens names over 63 bytes and keeps the full name in the comment', async () => {
    const table = `t_${'é'.repeat(40)}`;
    const column = `c_${'x'.repeat(70)}`;
    await engine.ensureColumns(table, [{ name: column, type: 'integer' }]);
    expect(await engine.tables()).toEqual([table]);
    expect((await engine.describe(table)).map((c) => c.name)).toEqual(['track_id', 'timestamp', column]);
    const stored = await admin<{ relname: string; comment: string }>(
      `SELECT c.relname, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    expect(stored).toHaveLength(1);
    expect(Buffer.byteLength(stored[0]!.relname)).toBeLessThanOrEqual(63);
    expect(stored[0]!.comment).toBe(`xetrack:${JSON.stringify({ name: table })}`);
    const columns = await serverColumns(schema, stored[0]!.relname);
    const physical = Object.keys(columns).find((c) => c.startsWith('c_x'))!;
    expect(physical).toMatch(/^c_x+~[0-9a-f]{16}$/);
    expect(columns[physical]![1]).toBe(`xetrack:${JSON.stringify({ name: column })}`);
    await engine.insert(table, [keyRow(1, { [column]: 7 })]);
    expect(await engine.select(table, { where: [{ column, op: '=', value: 7 }], columns: [column] })).toEqual([{ [column]: 7 }]);
    // A second connection, and a case-insensitive request, find the same column.
    const other = await another();
    await other.ensureColumns(table, [{ name: column.toUpperCase(), type: 'integer' }]);
    expect(await other.describe(table)).toHaveLength(3);
  });

  it('widens an integer column to DOUBLE PRECISION when a fraction arrives; describe says float, as every engine does', async () => {
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 1 }), keyRow(2, { v: 2 })]);
    await engine.insert('t', [keyRow(3, { v: 2.5 })]);
    expect((await serverColumns(schema, 't')).v).toEqual(['double precision', 'xetrack:{"type":"float"}']);
    expect((await engine.describe('t'))[2]).toEqual({ name: 'v', type: 'float' });
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([1, 2, 2.5]);
    expect(await engine.count('t', [{ column: 'v', op: '>', value: 1.5 }])).toBe(2);
  });

  it('widens to JSONB for a value of another type, and every value reads back as written', async () => {
    await engine.ensureColumns('t', [
      { name: 'n', type: 'integer' },
      { name: 'x', type: 'blob' },
    ]);
    await engine.insert('t', [keyRow(1, { n: 2n ** 62n, x: new Uint8Array([1, 2]) })]);
    const mixed: Row[] = [
      keyRow(2, { n: 'text now', x: 'not bytes' }),
      keyRow(3, { n: true, x: 5 }),
      keyRow(4, { n: 0.25, x: Infinity }),
      keyRow(5, { n: -(2n ** 63n), x: 2 ** 60 }),
      keyRow(6, { n: 7, x: null }),
    ];
    await engine.insert('t', mixed);
    const columns = await serverColumns(schema, 't');
    expect(columns.n).toEqual(['jsonb', 'xetrack:{"type":"integer"}']);
    expect(columns.x).toEqual(['jsonb', 'xetrack:{"type":"blob"}']);
    expect((await engine.describe('t')).slice(2)).toEqual([
      { name: 'n', type: 'integer' },
      { name: 'x', type: 'blob' },
    ]);
    const rows = await engine.select('t', { orderBy: [{ column: 'timestamp' }] });
    expect(rows.map((r) => r.n)).toEqual([2n ** 62n, 'text now', true, 0.25, -(2n ** 63n), 7]);
    expect(Array.from(rows[0]!.x as Uint8Array)).toEqual([1, 2]);
    expect(rows.slice(1).map((r) => r.x)).toEqual(['not bytes', 5, Infinity, 2 ** 60, null]);
    // Comparisons in a widened column compare values of the same JSON type.
    expect(await engine.count('t', [{ column: 'n', op: '=', value: 'text now' }])).toBe(1);
    expect(await engine.count('t', [{ column: 'n', op: '>', value: 1 }])).toBe(2);
    expect(await engine.count('t', [{ column: 'n', op: 'in', value: [7, true, 'nope'] }])).toBe(2);
    // iterate reads the same values.
    const seen: Row[] = [];
    for await (const row of engine.iterate!('t', { orderBy: [{ column: 'n' }] })) seen.push(row);
    expect(seen).toEqual(await engine.select('t', { orderBy: [{ column: 'n' }] }));
  });

  it('keeps integers beyond 2^53 exact when a fraction arrives (JSONB, not a double)', async () => {
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 2n ** 60n + 1n })]);
    await engine.insert('t', [keyRow(2, { v: 0.5 })]);
    expect((await serverColumns(schema, 't')).v?.[0]).toBe('jsonb');
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([2n ** 60n + 1n, 0.5]);
  });

  it('widens a float column holding every kind of double without changing one', async () => {
    const values = [0.1 + 0.2, 5e-324, 1e300, -1e21, Infinity, -Infinity, 2 ** 53, null];
    await engine.ensureColumns('t', [{ name: 'v', type: 'float' }]);
    await engine.insert(
      't',
      values.map((v, i) => keyRow(i, { v })),
    );
    await engine.insert('t', [keyRow(100, { v: 'now text' })]);
    expect((await serverColumns(schema, 't')).v?.[0]).toBe('jsonb');
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([...values, 'now text']);
  });

  it('stores numbers in a text column as their text and 0/1 in a boolean column as booleans, as SQLite does', async () => {
    await engine.ensureColumns('t', [
      { name: 's', type: 'text' },
      { name: 'b', type: 'boolean' },
    ]);
    await engine.insert('t', [keyRow(1, { s: 5, b: 1 }), keyRow(2, { s: 0.5, b: 0 })]);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => [r.s, r.b])).toEqual([
      ['5', true],
      ['0.5', false],
    ]);
    expect((await serverColumns(schema, 't')).s?.[0]).toBe('text');
  });

  it('filters across types like SQLite: numbers compare as numbers, other types by class', async () => {
    await engine.ensureColumns('t', [
      { name: 'n', type: 'integer' },
      { name: 's', type: 'text' },
    ]);
    await engine.insert(
      't',
      [0, 1, 2, 3].map((n) => keyRow(n, { n, s: `s${n}` })),
    );
    const count = (column: string, op: '=' | '!=' | '<' | '>', value: unknown) => engine.count('t', [{ column, op, value: value as string }]);
    expect(await count('n', '<', 1.5)).toBe(2);
    expect(await count('n', '=', 1.0)).toBe(1);
    expect(await count('n', '=', 'abc')).toBe(0);
    expect(await count('n', '!=', 'abc')).toBe(4);
    expect(await count('n', '<', 'abc')).toBe(4); // numbers sort before text
    expect(await count('s', '>', 5)).toBe(4); // text sorts after numbers... compared as text: 's0' > '5'
    expect(await count('n', '=', true)).toBe(1);
    expect(await engine.count('t', [{ column: 'n', op: 'in', value: [1, 2.5, 'x', 3n] }])).toBe(2);
  });

  it('a call split over several statements is atomic: a duplicate key in the last one keeps nothing', async () => {
    await engine.ensureColumns('t', [{ name: 'big', type: 'text' }]);
    await engine.insert('t', [keyRow(0, { big: 'kept' })]);
    const big = 'x'.repeat(12 * 1024 * 1024);
    const rows = [keyRow(1, { big }), keyRow(2, { big }), keyRow(3, { big }), keyRow(0, { big: 'collides' })];
    const error = await failure(engine.insert('t', rows));
    expect(isXetrackError(error, 'DUPLICATE_KEY')).toBe(true);
    expect(error.message).toContain('in 2 statements');
    expect(await engine.count('t')).toBe(1);
    expect(await engine.insert('t', rows.slice(0, 3))).toBe(3);
    expect(await engine.count('t')).toBe(4);
  });

  it('picks up a column another process widened, and keeps inserting', async () => {
    const other = await another();
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { v: 1 })]); // prepares an INSERT of a bigint array
    await other.insert('t', [keyRow(2, { v: 'text' })]); // widens v to JSONB
    await engine.insert('t', [keyRow(3, { v: 3 })]);
    expect((await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([1, 'text', 3]);
  });

  it('adding a column waits for a session that holds the table, without holding up other writers', async () => {
    await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    const other = await another();
    const holder = new pg.Client({ connectionString: BASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT count(*) FROM "${schema}"."t"`); // an open transaction that read the table
      let added = false;
      const adding = engine.ensureColumns('t', [{ name: 'late', type: 'text' }]).then(() => {
        added = true;
      });
      // While the column waits, other writers of the table still get through.
      for (let i = 0; i < 3; i++) expect(await other.insert('t', [keyRow(i, { v: i })])).toBe(1);
      expect(added).toBe(false);
      await holder.query('COMMIT');
      await adding;
      expect((await engine.describe('t')).map((c) => c.name)).toEqual(['track_id', 'timestamp', 'v', 'late']);
    } finally {
      await holder.end();
    }
  });

  it('gives up with LOCKED after lockTimeoutMs, naming what to do', async () => {
    const impatient = await PostgresEngine.open({ url: BASE_URL, schema, lockTimeoutMs: 300 });
    others.push(impatient);
    await impatient.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    const holder = new pg.Client({ connectionString: BASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT count(*) FROM "${schema}"."t"`);
      const error = await failure(impatient.ensureColumns('t', [{ name: 'late', type: 'text' }]));
      expect(isXetrackError(error, 'LOCKED'), String(error)).toBe(true);
      expect(error.message).toContain('another session kept a lock on the table');
      expect(error.message).toContain('lockTimeoutMs');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await impatient.ensureColumns('t', [{ name: 'late', type: 'text' }]);
    expect((await impatient.describe('t')).map((c) => c.name)).toContain('late');
  });

  it('works without prepared statements (prepareStatements: false, for PgBouncer in transaction mode)', async () => {
    const plain = await PostgresEngine.open({ url: BASE_URL, schema, prepareStatements: false });
    others.push(plain);
    await plain.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
    expect(await plain.insert('t', [keyRow(1, { v: 1 }), keyRow(2, { v: 2 })])).toBe(2);
    // pg_prepared_statements lists the statements of the session that reads it: one of the engine's own.
    const named = await plain.sql!(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'xetrack%'`);
    expect(named).toEqual([{ n: 0 }]);
    expect(await engine.insert('t', [keyRow(3, { v: 3 })])).toBe(1);
    expect((await engine.sql!(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'xetrack%'`))[0]?.n).toBeGreaterThan(0);
  });

  it('reads a table made by hand with other types as text and numbers', async () => {
    await admin(`CREATE TABLE "${schema}"."hand" (track_id varchar(20), "timestamp" text, n int4, d numeric, big numeric, w timestamp, u uuid, PRIMARY KEY (track_id, "timestamp"))`);
    await admin(`INSERT INTO "${schema}"."hand" VALUES ('r', 't1', 5, 1.25, 123456789012345678901, '2024-01-02 03:04:05', '00000000-0000-0000-0000-000000000001')`);
    expect(await engine.tables()).toEqual(['hand']);
    expect(await engine.describe('hand')).toEqual([
      { name: 'track_id', type: 'text' },
      { name: 'timestamp', type: 'text' },
      { name: 'n', type: 'integer' },
      { name: 'd', type: 'float' },
      { name: 'big', type: 'float' },
      { name: 'w', type: 'text' },
      { name: 'u', type: 'text' },
    ]);
    expect(await engine.select('hand')).toEqual([{ track_id: 'r', timestamp: 't1', n: 5, d: 1.25, big: 123456789012345678901n, w: '2024-01-02 03:04:05', u: '00000000-0000-0000-0000-000000000001' }]);
    await engine.insert('hand', [{ track_id: 'r', timestamp: 't2', w: '2025-01-01 00:00:00', u: '00000000-0000-0000-0000-000000000002' }]);
    expect(await engine.count('hand', [{ column: 'w', op: '>', value: '2024-06-01' }])).toBe(1);
  });

  it('sql() resolves unqualified names in the engine schema and refuses to leave a transaction open', async () => {
    await engine.ensureColumns('t', [{ name: 'n', type: 'integer' }]);
    await engine.insert('t', [keyRow(1, { n: 1 })]);
    expect(await engine.sql!('SELECT n, n::text AS s, $1::bigint AS big FROM t', [2n ** 62n])).toEqual([{ n: 1, s: '1', big: 2n ** 62n }]);
    const error = await failure(engine.sql!('BEGIN'));
    expect(isXetrackError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error.message).toContain('left a transaction open');
    // The connection went back clean: the next statements run outside any transaction.
    expect(await engine.sql!('SELECT count(*) AS c FROM t')).toEqual([{ c: 1 }]);
    expect(await engine.sql!(`SELECT current_setting('search_path') AS p`)).toEqual([{ p: `"${schema}", "$user", public` }]);
    const stray = await failure(engine.sql!('SELECT 1; SELECT 2'));
    expect(isXetrackError(stray)).toBe(true);
  });
});

describe('opening', () => {
  it('an injected pool is used, and close() leaves it open for its owner', async () => {
    const schema = uniqueSchema('pool');
    const pool = new pg.Pool({ connectionString: BASE_URL, max: 2 });
    const typed: PostgresPool = pool;
    try {
      const engine = await postgresEngine.create({ pool: typed, schema });
      expect(engine.location).toBe(`postgres://root@127.0.0.1:5432/test?schema=${schema}`);
      await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
      await engine.insert('t', [keyRow(1, { v: 1 })]);
      await engine.close();
      expect((await pool.query(`SELECT v FROM "${schema}"."t"`)).rows).toEqual([{ v: '1' }]);
    } finally {
      await pool.end();
      await dropSchema(schema);
    }
  });

  it('a reader never creates anything: a missing schema is NOT_FOUND and stays missing', async () => {
    const schema = uniqueSchema('absent');
    const options = postgresEngine.fromLocation!(urlFor(schema), { mustExist: true });
    expect(options).toEqual({ url: urlFor(schema), mustExist: true });
    const error = await failure(postgresEngine.create(options));
    expect(isXetrackError(error, 'NOT_FOUND')).toBe(true);
    expect(error.message).toContain(schema);
    await expect(Reader.open(urlFor(schema), { engine: postgresEngine })).rejects.toSatisfy((e) => isXetrackError(e, 'NOT_FOUND'));
    expect(await admin(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).toEqual([]);
  });

  it('a writer creates its schema; Tracker.open finds the engine by the URL alone', async () => {
    const schema = uniqueSchema('auto');
    try {
      const tracker = await Tracker.open(urlFor(schema), { trackId: 'auto-run' });
      await tracker.log({ a: 1 });
      await tracker.close();
      const reader = await Reader.open(urlFor(schema));
      expect(await reader.toRows()).toMatchObject([{ track_id: 'auto-run', a: 1 }]);
      await reader.close();
    } finally {
      await dropSchema(schema);
    }
  });

  it('fromLocation takes postgres:// and postgresql:// URLs and refuses anything else', () => {
    expect(postgresEngine.fromLocation!('postgresql://u@h/db')).toEqual({ url: 'postgresql://u@h/db' });
    for (const bad of ['track.db', 'mysql://u@h/db', 'http://h/db']) {
      expect(() => postgresEngine.fromLocation!(bad)).toThrow(/not a PostgreSQL URL/);
    }
  });

  it('options: the schema comes from the option, else the URL, else public; the location hides the password', async () => {
    const engine = await PostgresEngine.open({ url: 'postgres://root:secret@127.0.0.1:5432/test', mustExist: true });
    try {
      expect(engine.options.schema).toBe('public');
      expect(engine.location).toBe('postgres://root@127.0.0.1:5432/test');
      expect(engine.options.server).toBe('127.0.0.1:5432');
      expect(JSON.stringify(engine.options)).not.toContain('secret');
    } finally {
      await engine.close();
    }
    for (const [options, message] of [
      [{}, /options.url/],
      [{ url: 'postgres://h/db', max: 0 }, /options.max/],
      [{ url: 'postgres://h/db', schema: 'x'.repeat(64) }, /63 bytes/],
      [{ url: 'postgres://h/db', connectionTimeoutMs: -1 }, /connectionTimeoutMs/],
      [{ url: 'sqlite://x' }, /not a PostgreSQL URL/],
    ] as const) {
      const error = await failure(postgresEngine.create(options as never));
      expect(isXetrackError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect(error.message).toMatch(message);
    }
  });

  it('after close(), every method rejects with CLOSED; close() twice is fine', async () => {
    const schema = uniqueSchema('closed');
    const engine = await postgresEngine.create({ url: BASE_URL, schema });
    await engine.close();
    await engine.close();
    await expect(engine.tables()).rejects.toSatisfy((e) => isXetrackError(e, 'CLOSED'));
    await expect(engine.insert('t', [keyRow(1)])).rejects.toSatisfy((e) => isXetrackError(e, 'CLOSED'));
    await dropSchema(schema);
  });
});

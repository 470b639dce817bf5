import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isXetrackError, type XetrackError } from '@xetrack/core/engine';
import { Tracker } from '@xetrack/core';
import { postgresEngine } from '../src/index.js';
import { isConnectionError, toXetrackError } from '../src/postgres-errors.js';
import { closedPort, fakeServer } from './support/fake-server.js';
import { admin, BASE_URL, dropSchema, uniqueSchema } from './support/server.js';

async function failure(promise: Promise<unknown>): Promise<XetrackError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection, but the call resolved');
    },
    (e: unknown) => e,
  );
  if (!isXetrackError(error)) throw error;
  return error;
}

function native(code: string, message = 'native message'): Error {
  return Object.assign(new Error(message), { code });
}

describe('pg errors become XetrackErrors', () => {
  const context = { location: 'postgres://u@db.example:5432/test', server: 'db.example:5432', action: 'insert into "t"', write: true };
  const cases: [Error, string][] = [
    [native('23505', 'duplicate key value violates unique constraint'), 'DUPLICATE_KEY'],
    [native('42P01', 'relation "t" does not exist'), 'UNKNOWN_TABLE'],
    [native('42703', 'column "x" does not exist'), 'UNKNOWN_COLUMN'],
    [native('3D000', 'database "nope" does not exist'), 'NOT_FOUND'],
    [native('3F000', 'schema "nope" does not exist'), 'NOT_FOUND'],
    [native('25006', 'cannot execute INSERT in a read-only transaction'), 'READ_ONLY'],
    [native('42501', 'permission denied for table t'), 'READ_ONLY'],
    [native('53100', 'could not extend file: No space left on device'), 'STORAGE_FULL'],
    [native('55P03', 'canceling statement due to lock timeout'), 'LOCKED'],
    [native('40P01', 'deadlock detected'), 'LOCKED'],
    [native('22P02', 'invalid input syntax for type json'), 'INVALID_VALUE'],
    [native('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 'INVALID_VALUE'],
    [native('28P01', 'password authentication failed for user "u"'), 'ENGINE_FAILURE'],
    [native('57P01', 'terminating connection due to administrator command'), 'ENGINE_FAILURE'],
    [native('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5432'), 'ENGINE_FAILURE'],
    [native('42601', 'syntax error at or near "x"'), 'ENGINE_FAILURE'],
    [new Error('Connection terminated unexpectedly'), 'ENGINE_FAILURE'],
  ];
  for (const [error, code] of cases) {
    it(`${(error as { code?: string }).code ?? error.name}: ${error.message} -> ${code}`, () => {
      const wrapped = toXetrackError(error, context);
      expect(wrapped.code).toBe(code);
      expect(wrapped.cause).toBe(error);
      expect(wrapped.message).toContain('postgres://u@db.example:5432/test');
      expect(wrapped.message).toContain('insert into "t"');
      expect(wrapped.message).toContain(error.message);
    });
  }

  it('permission denied on a read is not READ_ONLY', () => {
    expect(toXetrackError(native('42501'), { ...context, write: false }).code).toBe('ENGINE_FAILURE');
  });

  it('connection failures name the server and say what to do', () => {
    for (const error of [native('ECONNREFUSED'), native('57P01'), native('08006'), new Error('Connection terminated unexpectedly')]) {
      expect(isConnectionError(error)).toBe(true);
      const wrapped = toXetrackError(error, context);
      expect(wrapped.message).toContain('cannot reach the PostgreSQL server at db.example:5432');
      expect(wrapped.message).toContain('the next call reconnects');
    }
    const refused = Object.assign(new AggregateError([native('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432')], ''), { code: 'ECONNREFUSED' });
    expect(toXetrackError(refused, context).message).toContain('(connection refused)');
    expect(isConnectionError(native('23505'))).toBe(false);
  });

  it('a XetrackError passes through unchanged', () => {
    const original = toXetrackError(native('23505'), context);
    expect(toXetrackError(original, context)).toBe(original);
  });
});

describe('connection failures against real sockets', () => {
  it('nothing listening on the port: ENGINE_FAILURE naming host:port, at create()', async () => {
    const port = await closedPort();
    const error = await failure(postgresEngine.create({ url: `postgres://root@127.0.0.1:${port}/test` }));
    expect(error.code).toBe('ENGINE_FAILURE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('connection refused');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('Tracker.open on an unreachable server fails the same way', async () => {
    const port = await closedPort();
    const error = await failure(Tracker.open(`postgres://root@127.0.0.1:${port}/test?schema=x`, { engine: postgresEngine }));
    expect(error.message).toContain(`cannot reach the PostgreSQL server at 127.0.0.1:${port}`);
  });

  it('a wrong password: ENGINE_FAILURE naming the server and the login, never the password', async () => {
    const server = await fakeServer();
    try {
      const error = await failure(postgresEngine.create({ url: `postgres://alice:wr%40ng-secret@127.0.0.1:${server.port}/test` }));
      expect(server.passwords).toEqual(['wr@ng-secret']);
      expect(error.code).toBe('ENGINE_FAILURE');
      expect((error.cause as { code?: string }).code).toBe('28P01');
      expect(error.message).toContain(`the server at 127.0.0.1:${server.port} refused the login`);
      expect(error.message).toContain('password authentication failed for user "alice"');
      expect(error.message).not.toContain('secret');
      expect(error.message).toContain(`postgres://alice@127.0.0.1:${server.port}/test`);
    } finally {
      await server.close();
    }
  });

  it('a database that does not exist is NOT_FOUND, naming the server', async () => {
    const error = await failure(postgresEngine.create({ url: 'postgres://root@127.0.0.1:5432/xetrack_no_such_database' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('the database does not exist on 127.0.0.1:5432');
  });
});

describe('a role with a password on the real server', () => {
  const role = `xt_pw_${process.pid}`;
  let trusted = true;

  beforeAll(async () => {
    await admin(`DROP ROLE IF EXISTS ${role}`);
    await admin(`CREATE ROLE ${role} LOGIN PASSWORD 'right-password'`);
    // Which authentication applies to TCP connections from 127.0.0.1 (first matching pg_hba line).
    const rules = await admin<{ auth_method: string; address: string | null; type: string }>(
      `SELECT auth_method, address, type FROM pg_hba_file_rules WHERE type LIKE 'host%' AND error IS NULL ORDER BY line_number`,
    );
    const first = rules.find((r) => r.address === null || r.address === '127.0.0.1' || r.address === 'all' || r.address === '0.0.0.0');
    trusted = first === undefined || first.auth_method === 'trust';
  });
  afterAll(async () => {
    await admin(`DROP ROLE IF EXISTS ${role}`);
  });

  it('logs in with the right password and writes', async () => {
    const schema = uniqueSchema('pw');
    await admin(`CREATE SCHEMA "${schema}" AUTHORIZATION ${role}`);
    try {
      const engine = await postgresEngine.create({ url: `postgres://${role}:right-password@127.0.0.1:5432/test`, schema });
      await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
      expect(await engine.insert('t', [{ track_id: 'r', timestamp: 't', v: 1 }])).toBe(1);
      await engine.close();
    } finally {
      await dropSchema(schema);
    }
  });

  it('is refused with a wrong password (skipped when pg_hba.conf trusts 127.0.0.1: then any password logs in, and the fake-server test above covers the error)', async (context) => {
    if (trusted) context.skip();
    const error = await failure(postgresEngine.create({ url: `postgres://${role}:wrong@127.0.0.1:5432/test` }));
    expect((error.cause as { code?: string }).code).toBe('28P01');
    expect(error.message).toContain('127.0.0.1:5432');
  });

  it('writing without privileges is READ_ONLY', async () => {
    const schema = uniqueSchema('ro');
    const owner = await postgresEngine.create({ url: BASE_URL, schema });
    try {
      await owner.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
      await admin(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`);
      const reader = await postgresEngine.create({ url: `postgres://${role}:right-password@127.0.0.1:5432/test`, schema, mustExist: true });
      try {
        expect(await reader.count('t')).toBe(0);
        const error = await failure(reader.insert('t', [{ track_id: 'r', timestamp: 't', v: 1 }]));
        expect(error.code).toBe('READ_ONLY');
        expect((error.cause as { code?: string }).code).toBe('42501');
      } finally {
        await reader.close();
      }
    } finally {
      await owner.close();
      await dropSchema(schema);
    }
  });
});

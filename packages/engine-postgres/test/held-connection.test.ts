import { EventEmitter } from 'node:events';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Tracker } from '@xetrack/core';
import { postgresEngine } from '../src/index.js';
import { HeldConnection } from '../src/postgres-held-connection.js';
import type { PostgresPool, PostgresPoolClient, PostgresQueryConfig, PostgresQueryResult } from '../src/postgres-pool.js';
import { BASE_URL, dropSchema, uniqueSchema } from './support/server.js';

const RESULT: PostgresQueryResult = { rows: [], fields: [], rowCount: 1, command: 'INSERT' };

/** A pool of fake connections that records what is checked out, released (and how) and run where. */
function fakePool() {
  const log: string[] = [];
  let next = 0;
  const clients: (PostgresPoolClient & EventEmitter & { id: number; fail?: Error })[] = [];
  const pool: PostgresPool = {
    async connect() {
      const id = ++next;
      const client = Object.assign(new EventEmitter(), {
        id,
        fail: undefined as Error | undefined,
        async query(config: PostgresQueryConfig) {
          log.push(`client ${id}: ${config.text}`);
          await new Promise((resolve) => setImmediate(resolve));
          if (client.fail) throw client.fail;
          return RESULT;
        },
        release(destroy?: boolean | Error) {
          log.push(`release ${id}${destroy ? ` (broken: ${destroy instanceof Error ? destroy.message : destroy})` : ''}`);
        },
      });
      clients.push(client);
      log.push(`checkout ${id}`);
      return client;
    },
    async query(config) {
      log.push(`pool: ${config.text}`);
      return RESULT;
    },
    async end() {},
  };
  return { pool, log, clients };
}

/** Resolves once `log` ends with `line` (polled; the test's own timeout bounds it). */
async function until(log: string[], line: string): Promise<void> {
  while (log.at(-1) !== line) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('the held connection', () => {
  it('runs consecutive statements on one checked-out connection and gives it back once idle', async () => {
    const { pool, log } = fakePool();
    const held = new HeldConnection(pool);
    for (let i = 0; i < 3; i++) await held.query({ text: `INSERT ${i}` });
    expect(log).toEqual(['checkout 1', 'client 1: INSERT 0', 'client 1: INSERT 1', 'client 1: INSERT 2']);
    await until(log, 'release 1');
    await held.query({ text: 'INSERT 3' });
    expect(log.slice(-2)).toEqual(['checkout 2', 'client 2: INSERT 3']);
    held.close();
    expect(log.at(-1)).toBe('release 2');
  });

  it('sends a statement that arrives while the held connection is busy through the pool', async () => {
    const { pool, log } = fakePool();
    const held = new HeldConnection(pool);
    await Promise.all([held.query({ text: 'INSERT a' }), held.query({ text: 'INSERT b' })]);
    expect(log).toContain('pool: INSERT b');
    expect(log).toContain('client 1: INSERT a');
    held.close();
  });

  it('releases a connection that failed as broken, never retries the statement, and checks out a new one next', async () => {
    const { pool, log, clients } = fakePool();
    const held = new HeldConnection(pool);
    await held.query({ text: 'INSERT 0' });
    (clients[0] as { fail?: Error }).fail = new Error('Connection terminated unexpectedly');
    await expect(held.query({ text: 'INSERT 1' })).rejects.toThrow('Connection terminated unexpectedly');
    expect(log.filter((l) => l.includes('INSERT 1'))).toEqual(['client 1: INSERT 1']);
    expect(log.at(-1)).toBe('release 1 (broken: Connection terminated unexpectedly)');
    await held.query({ text: 'INSERT 2' });
    expect(log.slice(-2)).toEqual(['checkout 2', 'client 2: INSERT 2']);
    held.close();
  });

  it('keeps a connection after a statement error that is not a connection error', async () => {
    const { pool, log, clients } = fakePool();
    const held = new HeldConnection(pool);
    await held.query({ text: 'INSERT 0' });
    (clients[0] as { fail?: Error }).fail = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(held.query({ text: 'INSERT 1' })).rejects.toThrow('duplicate key');
    (clients[0] as { fail?: Error }).fail = undefined;
    await held.query({ text: 'INSERT 2' });
    expect(log).toEqual(['checkout 1', 'client 1: INSERT 0', 'client 1: INSERT 1', 'client 1: INSERT 2']);
    held.close();
  });

  it('releases a held connection that dies while idle as broken (the pool replaces it) instead of crashing', async () => {
    const { pool, log, clients } = fakePool();
    const held = new HeldConnection(pool);
    await held.query({ text: 'INSERT 0' });
    clients[0]?.emit('error', new Error('terminating connection due to administrator command'));
    expect(log.at(-1)).toBe('release 1 (broken: terminating connection due to administrator command)');
    await held.query({ text: 'INSERT 1' });
    expect(log.slice(-2)).toEqual(['checkout 2', 'client 2: INSERT 1']);
    held.close();
  });

  it('hands an idle held connection back before a transaction checks one out, and uses the pool once closed', async () => {
    const { pool, log } = fakePool();
    const held = new HeldConnection(pool);
    await held.query({ text: 'INSERT 0' });
    const own = await held.checkOut();
    expect(log.slice(-2)).toEqual(['release 1', 'checkout 2']);
    own.release();
    held.close();
    await held.query({ text: 'SELECT 1' });
    expect(log.at(-1)).toBe('pool: SELECT 1');
  });

  it('hands the held connection back at the end of its statement when the pool has callers waiting', async () => {
    const { pool, log } = fakePool();
    const waiting = Object.assign(pool, { waitingCount: 0 });
    const held = new HeldConnection(waiting);
    await held.query({ text: 'INSERT 0' });
    expect(log.at(-1)).toBe('client 1: INSERT 0'); // nobody waits: kept for the next statement
    waiting.waitingCount = 1;
    await held.query({ text: 'INSERT 1' });
    expect(log.slice(-2)).toEqual(['client 1: INSERT 1', 'release 1']);
    held.close();
  });
});

describe('the held connection on a real pool of one connection', () => {
  it('lets sql() run while a stream of awaited log() calls goes on, instead of waiting for the stream to end', async () => {
    const schema = uniqueSchema('held');
    const pool = new pg.Pool({ connectionString: BASE_URL, max: 1 });
    const engine = await postgresEngine.create({ pool, schema });
    const tracker = await Tracker.open(BASE_URL, { engine, warnings: false });
    try {
      await tracker.log({ i: 0 });
      const LOGS = 3_000;
      let logged = 0;
      const stream = (async () => {
        for (let i = 1; i <= LOGS; i++) {
          await tracker.log({ i });
          logged = i;
        }
      })();
      while (logged < 20) await new Promise((resolve) => setImmediate(resolve));
      // each sql() is asked for while a log() statement is in flight or between two of them
      const seenAt: number[] = [];
      for (let k = 0; k < 5; k++) {
        expect(await engine.sql!('SELECT 1 AS one')).toEqual([{ one: 1 }]);
        seenAt.push(logged);
      }
      await stream;
      expect(seenAt.every((at) => at < LOGS)).toBe(true);
      expect(await engine.sql!(`SELECT count(*)::int AS n FROM "${schema}"."default"`)).toEqual([{ n: LOGS + 1 }]);
    } finally {
      await tracker.close();
      await engine.close();
      await pool.end();
      await dropSchema(schema);
    }
  });
});

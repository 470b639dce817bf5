import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tracker } from '@xetrack/core';
import { isXetrackError, type Engine } from '@xetrack/core/engine';
import { postgresEngine } from '../src/index.js';
import { outsideEffect } from '../src/postgres-outside-effects.js';
import { admin, dropSchema, uniqueSchema, urlFor } from './support/server.js';

describe('outsideEffect: statements a read-only transaction does not stop', () => {
  it('names COPY, DO, CALL and LOAD by their first word, in any case, after comments and parentheses', () => {
    expect(outsideEffect(`COPY (SELECT 1) TO '/tmp/x'`)).toMatch(/^COPY writes or reads files on the server/);
    expect(outsideEffect(`copy t to program 'touch /tmp/x'`)).toMatch(/^COPY/);
    expect(outsideEffect(`-- note\n/* a /* nested */ comment */ ( COPY t TO '/x')`)).toMatch(/^COPY/);
    expect(outsideEffect(`DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO ''/x'''; END $$`)).toMatch(/^a DO block/);
    expect(outsideEffect('CALL my_procedure()')).toMatch(/^a procedure/);
    expect(outsideEffect(`LOAD 'plugin'`)).toMatch(/^LOAD/);
    expect(outsideEffect(`SELECT 1; COPY t TO '/x'`)).toMatch(/^COPY/);
  });

  it('names the functions that write server files, change the server, outlive the statement or reach another server, wherever they are called', () => {
    expect(outsideEffect(`SELECT lo_export(16384, '/tmp/x')`)).toBe('lo_export() writes files on the server');
    expect(outsideEffect(`SELECT * FROM t WHERE pg_catalog.LO_EXPORT (1, '/x') = 1`)).toBe('lo_export() writes files on the server');
    expect(outsideEffect(`SELECT "pg_terminate_backend"(pid) FROM pg_stat_activity`)).toBe("pg_terminate_backend() changes the server's state");
    expect(outsideEffect('SELECT pg_stat_reset_shared(NULL)')).toBe("pg_stat_reset_shared() changes the server's state");
    expect(outsideEffect('WITH x AS (SELECT pg_advisory_lock(1)) SELECT * FROM x')).toBe('pg_advisory_lock() takes a lock that outlives the statement');
    expect(outsideEffect(`SELECT * FROM dblink_exec('host=h', 'DROP TABLE t')`)).toBe('dblink_exec() runs statements on another server');
  });

  it('passes the same words as data: literals of every quoting, quoted and plain names, comments, parameters', () => {
    for (const query of [
      `SELECT 'copy' AS a, 'lo_export(' AS b`,
      `SELECT "copy" FROM (SELECT 1 AS "copy") t`,
      `SELECT copy FROM t`,
      `SELECT E'it\\'s lo_export(' AS a`,
      `SELECT $$ COPY t TO '/x' $$, $tag$ lo_export( $tag$`,
      `SELECT 1 -- lo_export(1, '/x')`,
      `SELECT 1 /* ; COPY t TO '/x' */`,
      `SELECT * FROM t WHERE a = $1 AND b = $2`,
      `SELECT lo_export FROM t`,
      `SELECT pg_advisory_xact_lock(1)`,
      `SELECT U&'d\\0061t\\+000061' AS do`,
      `WITH copy AS (SELECT 1) SELECT * FROM copy`,
    ]) {
      expect(outsideEffect(query), query).toBeUndefined();
    }
  });
});

describe('sql() asked to only read, on the server', () => {
  const schema = uniqueSchema('outside');
  let engine: Engine;
  let dir: string;

  beforeAll(async () => {
    const tracker = await Tracker.open(urlFor(schema), { engine: postgresEngine, table: 't', warnings: false });
    await tracker.log({ x: 1 });
    await tracker.close();
    engine = await postgresEngine.create({ url: urlFor(schema) });
    // the server writes as its own user: give it a folder it may write to
    dir = mkdtempSync(path.join(tmpdir(), 'xt-outside-'));
    chmodSync(dir, 0o777);
  });

  afterAll(async () => {
    await engine?.close();
    await dropSchema(schema);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses COPY TO a file and TO PROGRAM with READ_ONLY naming why, runs nothing, and reads on afterwards', async () => {
    const file = path.join(dir, 'copied.csv');
    const marker = path.join(dir, 'ran');
    for (const statement of [`COPY (SELECT 1) TO '${file}'`, `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`, `SELECT lo_export(0, '${file}')`]) {
      const error = await engine.sql!(statement, [], { readOnly: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isXetrackError(error, 'READ_ONLY'), statement).toBe(true);
      expect((error as Error).message).toMatch(/^postgres: .* which a read-only transaction does not stop, so sql\(\) asked to only read did not run it\.$/);
      expect((error as Error & { cause: { outsideEffect: string } }).cause.outsideEffect).toMatch(/server/);
    }
    expect(existsSync(file)).toBe(false);
    expect(existsSync(marker)).toBe(false);
    expect(await engine.sql!('SELECT x FROM t', [], { readOnly: true })).toEqual([{ x: 1 }]);
  });

  it('the same COPY runs when writing is allowed, where the role may (what the refusal keeps from a reader)', async () => {
    const [role] = await admin<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    expect(role?.rolsuper, 'the test role is a superuser on the project machines (toolchain.md), so it may COPY to files').toBe(true);
    const file = path.join(dir, 'written.csv');
    await engine.sql!(`COPY (SELECT 1) TO '${file}'`, []);
    expect(existsSync(file)).toBe(true);
  });
});

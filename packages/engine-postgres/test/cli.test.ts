import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { postgresEngine } from '../src/index.js';
import { dropSchema, uniqueSchema, urlFor } from './support/server.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('@xetrack/cli/package.json')), 'dist', 'cli.js');

/**
 * Runs `xt` as a user does, from a project that has this engine installed (this package's folder:
 * `xt` finds `@xetrack/engine-postgres` from the working directory).
 */
function xt(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: PACKAGE_DIR, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe('xt on a PostgreSQL store', () => {
  const schema = uniqueSchema('cli');
  const url = urlFor(schema);

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: build the workspace first (pnpm build)`).toBe(true);
    const a = await Tracker.open(url, { engine: postgresEngine, trackId: 'run-a', params: { model: 'mlp' } });
    await a.logBatch([
      { epoch: 1, acc: 0.5 },
      { epoch: 2, acc: 0.75, cfg: { lr: 0.1 } },
    ]);
    await a.close();
    const b = await Tracker.open(url, { engine: postgresEngine, trackId: 'run-b' });
    await b.log({ epoch: 1, acc: 0.9 });
    await b.close();
  });
  afterAll(() => dropSchema(schema));

  it('head --engine postgres prints the rows', () => {
    const { stdout, stderr, status } = xt('head', url, '--engine', 'postgres', '--json');
    expect(status, stderr).toBe(0);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.track_id, r.epoch, r.acc])).toEqual([
      ['run-a', 1, 0.5],
      ['run-a', 2, 0.75],
      ['run-b', 1, 0.9],
    ]);
    expect(rows[1]!.cfg).toEqual({ lr: 0.1 });
  });

  it('the URL alone picks the engine; tail, runs, columns, ls and sql read the store', () => {
    const tail = xt('tail', url, '-n', '1', '--json');
    expect(tail.status, tail.stderr).toBe(0);
    expect((JSON.parse(tail.stdout) as { track_id: string }[]).map((r) => r.track_id)).toEqual(['run-b']);
    const runs = xt('runs', url, '--json');
    expect(runs.status, runs.stderr).toBe(0);
    expect((JSON.parse(runs.stdout) as { track_id: string; rows: number }[]).map((r) => [r.track_id, r.rows])).toEqual([
      ['run-a', 2],
      ['run-b', 1],
    ]);
    const columns = xt('columns', url, '--json');
    expect(columns.status, columns.stderr).toBe(0);
    expect(columns.stdout).toContain('"json"');
    const ls = xt('ls', url, 'acc', '--json');
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('0.75');
    const sql = xt('sql', url, 'SELECT count(*) AS n FROM "default" WHERE acc > 0.6', '--json');
    expect(sql.status, sql.stderr).toBe(0);
    expect(JSON.parse(sql.stdout)).toEqual([{ n: 2 }]);
  });

  it('sql: a statement that would write is refused without --write (exit 2, one line), nothing changed; --write runs it', () => {
    const rows = () => JSON.parse(xt('sql', url, 'SELECT count(*) AS n FROM "default"', '--json').stdout) as [{ n: number }];
    const before = rows()[0].n;
    for (const statement of [
      'DROP TABLE "default"',
      'DELETE FROM "default"',
      `UPDATE "default" SET acc = 0`,
      'ALTER TABLE "default" ADD COLUMN extra BIGINT',
      `INSERT INTO "default" (track_id, "timestamp") VALUES ('x', 'y')`,
      'CREATE TABLE scratch (a INTEGER)',
      'VACUUM',
      'TRUNCATE "default"',
    ]) {
      const refused = xt('sql', url, statement);
      expect(refused.status, `${statement}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toMatch(/^xt: The statement changes the database \(or would\): add --write to run it\. \(see xt sql --help\)\n$/);
    }
    expect(rows()[0].n).toBe(before);
    // a read-only transaction lets COPY write the server's files: refused by name, with why
    const copy = xt('sql', url, `COPY (SELECT 1) TO PROGRAM 'true'`);
    expect(copy.status).toBe(2);
    expect(copy.stderr).toBe('xt: The statement acts outside the database: COPY writes or reads files on the server, or runs a program there: add --write to run it. (see xt sql --help)\n');
    expect(xt('sql', url, 'CREATE TABLE scratch (a INTEGER)', '--write').status).toBe(0);
    expect(xt('sql', url, 'INSERT INTO scratch VALUES (1)', '--write').status).toBe(0);
    expect(JSON.parse(xt('sql', url, 'SELECT a FROM scratch', '--json').stdout)).toEqual([{ a: 1 }]);
    expect(xt('sql', url, 'DROP TABLE scratch', '--write').status).toBe(0);
    const set = xt('set', url, 'track_id', 'X');
    expect(set.status).toBe(2);
    expect(set.stderr).toMatch(/^xt: xt set cannot change track_id/);
  });

  it('set and delete write to the store', () => {
    const set = xt('set', url, 'reviewed', 'true', '--track-id', 'run-b');
    expect(set.status, set.stderr).toBe(0);
    const after = xt('head', url, '--json', '-n', '10');
    expect((JSON.parse(after.stdout) as { track_id: string; reviewed: unknown }[]).map((r) => [r.track_id, r.reviewed])).toEqual([
      ['run-a', null],
      ['run-a', null],
      ['run-b', true],
    ]);
    const removed = xt('delete', url, 'run-a');
    expect(removed.status, removed.stderr).toBe(0);
    const runs = xt('runs', url, '--json');
    expect((JSON.parse(runs.stdout) as { track_id: string }[]).map((r) => r.track_id)).toEqual(['run-b']);
  });

  it('a missing schema is an error naming it, and nothing is created', () => {
    const missing = urlFor(uniqueSchema('nope'));
    const { status, stderr } = xt('head', missing);
    expect(status).toBe(1);
    expect(stderr).toContain('does not exist');
  });

  it('an unreachable server is an error naming host and port', () => {
    const { status, stderr } = xt('head', 'postgres://root@127.0.0.1:1/test', '--engine', 'postgres');
    expect(status).toBe(1);
    expect(stderr).toContain('cannot reach the PostgreSQL server at 127.0.0.1:1');
  });

  it('xt copy track.db postgres://... pushes a run, and a second copy copies 0 rows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xt-pg-cli-copy-'));
    const target = urlFor(uniqueSchema('clicopy'));
    try {
      const file = path.join(dir, 'track.db');
      const local = await Tracker.open(file, { engine: sqliteEngine, trackId: 'laptop-run' });
      await local.logBatch([
        { epoch: 1, acc: 0.6 },
        { epoch: 2, acc: 0.7 },
      ]);
      await local.close();
      const first = xt('copy', file, target, '--json');
      expect(first.status, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ copied: 2, skipped: 0 });
      const second = xt('copy', file, target, '--json');
      expect(second.status, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ copied: 0, skipped: 2 });
      const head = xt('head', target, '--json');
      expect((JSON.parse(head.stdout) as { acc: number }[]).map((r) => r.acc)).toEqual([0.6, 0.7]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await dropSchema(new URL(target).searchParams.get('schema') as string);
    }
  });
});

// `xt sql` never writes by accident: a statement that would change the database needs --write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { duckdbEngine } from '@xetrack/engine-duckdb';
import sqliteEngine from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { writeDatabase } from './support/databases.js';
import { runXt, type XtResult } from './support/run-xt.js';
import { useTempDir } from './support/temp-dir.js';

/** Exit 2, nothing on stdout, one line on stderr that says to add --write. */
function expectRefused(result: XtResult, statement: string): void {
  expect(result.status, `${statement}\n${result.stderr}`).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^xt: The statement changes the database \(or would\): add --write to run it\. \(see xt sql --help\)\n$/);
}

const count = (db: string) => JSON.parse(runXt(['sql', db, 'SELECT count(*) AS n FROM "default"', '--json']).stdout)[0].n as number;

/** Statements every engine must refuse without --write. */
const WRITES = [
  'DROP TABLE "default"',
  'DELETE FROM "default"',
  `UPDATE "default" SET name = 'x'`,
  'ALTER TABLE "default" ADD COLUMN extra INTEGER',
  `INSERT INTO "default" (track_id, "timestamp") VALUES ('x', 'y')`,
  'CREATE TABLE other (a INTEGER)',
];

describe('xt sql without --write', () => {
  const tempDir = useTempDir();

  for (const [name, plugin, file, extra] of [
    ['sqlite', sqliteEngine, 'track.db', ['PRAGMA user_version = 3', 'PRAGMA journal_mode = DELETE', 'VACUUM', 'CREATE TEMP TABLE t (a INTEGER)']],
    ['duckdb', duckdbEngine, 'track.duckdb', ['CREATE SEQUENCE s', 'VACUUM', `COPY "default" TO 'out.csv'`, "ATTACH 'new.duckdb' AS n", "EXPORT DATABASE 'exported'"]],
  ] as const) {
    it(`${name}: every writing statement is refused (exit 2, one line) and the file keeps its bytes; --write runs it; reads need no flag`, async () => {
      const dir = tempDir();
      const db = await writeDatabase(plugin, dir, file);
      const before = readFileSync(db);
      for (const statement of [...WRITES, ...extra]) expectRefused(runXt(['sql', db, statement], { cwd: dir }), statement);
      expect(readFileSync(db).equals(before)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual([file]); // no file written beside it (COPY TO, ATTACH)
      expect(count(db)).toBe(5);

      const deleted = runXt(['sql', db, `DELETE FROM "default" WHERE track_id = 'run-b'`, '--write']);
      expect(deleted.status, deleted.stderr).toBe(0);
      expect(count(db)).toBe(3);
      expect(runXt(['sql', db, 'DROP TABLE "default"', '--write']).status).toBe(0);
      expect(runXt(['sql', db, 'SELECT 1 AS one']).stdout).toContain('one');
    });
  }

  it('duckdb: a setting (SET, PRAGMA) is refused naming why, since it can name a file DuckDB writes; reading pragmas need no flag', async () => {
    const dir = tempDir();
    const db = await writeDatabase(duckdbEngine, dir, 'track.duckdb');
    const result = runXt(['sql', db, `SET log_query_path = '${path.join(dir, 'log.txt')}'`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'xt: The statement acts outside the database: SET and PRAGMA change settings that outlive the statement, some naming files DuckDB then writes: add --write to run it. (see xt sql --help)\n',
    );
    expect(readdirSync(dir)).toEqual(['track.duckdb']);
    expect(runXt(['sql', db, `PRAGMA table_info('default')`]).status).toBe(0);
  });

  it('sqlite: ATTACH (which SQLite counts as read-only) is refused and creates no file', async () => {
    const dir = tempDir();
    const db = await writeDatabase(sqliteEngine, dir);
    const attached = path.join(dir, 'new.db');
    expectRefused(runXt(['sql', db, `ATTACH '${attached}' AS n`]), 'ATTACH');
    expectRefused(runXt(['sql', db, `/* a comment */ attach '${attached}' AS n`]), 'attach');
    expect(existsSync(attached)).toBe(false);
  });
});

describe('xt set', () => {
  const tempDir = useTempDir();

  it('refuses track_id and timestamp (exit 2, one line), whatever their case; the rows keep them', async () => {
    const db = await writeDatabase(sqliteEngine, tempDir());
    for (const key of ['track_id', 'timestamp', 'TRACK_ID', 'Timestamp']) {
      const result = runXt(['set', db, key, 'X']);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^xt: xt set cannot change ${key}: track_id and timestamp identify each row\\. [^\\n]*\\n$`));
    }
    const ids = JSON.parse(runXt(['sql', db, 'SELECT DISTINCT track_id FROM "default" ORDER BY track_id', '--json']).stdout) as { track_id: string }[];
    expect(ids.map((r) => r.track_id)).toEqual(['run-a', 'run-b']);
  });
});

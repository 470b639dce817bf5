/**
 * The SQL checker the fuzz tests rely on can fail: statements with foreign text are flagged, the
 * library's own shapes pass.
 */
import { describe, expect, it } from 'vitest';
import { foreignStatements, skeleton } from '../src/sql-trace.js';

describe('the SQL checker of the fuzz tests', () => {
  it('accepts the shapes the SQLite engine runs', () => {
    const own = [
      'BEGIN IMMEDIATE',
      'CREATE TABLE "we""ird; DROP" (track_id TEXT, timestamp TEXT, "a" INTEGER, "b""c" JSON, PRIMARY KEY (track_id, timestamp))',
      'ALTER TABLE "t" ADD COLUMN "x y" REAL',
      'INSERT INTO "t" ("track_id", "timestamp", "a") VALUES (?, ?, ?)',
      'SELECT * FROM "t" WHERE "track_id" = ? ORDER BY "timestamp" DESC, rowid LIMIT ? OFFSET ?',
      'SELECT "timestamp" FROM "t" WHERE "track_id" IN (?, ?) ORDER BY "timestamp" DESC, rowid LIMIT ? OFFSET ?',
      'SELECT count(*) FROM "t" WHERE "a" IS NULL AND "b" != ?',
      'UPDATE "t" SET "a" = ?, "b" = ? WHERE "track_id" = ?',
      'DELETE FROM "t"',
      'SELECT name, type FROM pragma_table_info(?)',
      // aggregate(): runs() and compare()
      'SELECT o."track_id", count(*), (SELECT i."timestamp" FROM "t" AS i WHERE i."timestamp" IS NOT NULL AND i."track_id" IS o."track_id" ORDER BY i."timestamp" ASC LIMIT 1), count(o."a"), min(o."a"), max(o."a") FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id"',
      'SELECT o."m", o."track_id", count(*), avg(o."acc"), (SELECT i."loss" FROM "t" AS i WHERE "b" < ? AND i."loss" IS NOT NULL AND i."m" IS o."m" AND i."track_id" IS o."track_id" ORDER BY i."timestamp" DESC LIMIT 1) FROM "t" AS o WHERE "b" < ? GROUP BY +o."track_id", o."m" ORDER BY o."m", o."track_id"',
      'SELECT count(*), CASE WHEN count(o."a") > 0 THEN total(o."a") END FROM "t" AS o WHERE "a" IN (?, ?)',
      // runs(): each run's first and last rows read once, joined back by rowid
      'SELECT e."track_id", e."m0", coalesce(f."timestamp", (SELECT i."timestamp" FROM "t" AS i WHERE "b" < ? AND i."timestamp" IS NOT NULL AND i."track_id" IS e."track_id" ORDER BY i."timestamp" ASC LIMIT 1)), e."m2", coalesce(l."a", (SELECT i."a" FROM "t" AS i WHERE "b" < ? AND i."a" IS NOT NULL AND i."track_id" IS e."track_id" ORDER BY i."timestamp" DESC LIMIT 1)) FROM (SELECT o."track_id", count(*) AS "m0", min(o."a") AS "m2", (SELECT i.rowid FROM "t" AS i WHERE "b" < ? AND i."track_id" IS o."track_id" ORDER BY i."timestamp" ASC LIMIT 1) AS "first_row", (SELECT i._rowid_ FROM "t" AS i WHERE "b" < ? AND i."track_id" IS o."track_id" ORDER BY i."timestamp" DESC LIMIT 1) AS "last_row" FROM "t" AS o WHERE "b" < ? GROUP BY o."track_id" ORDER BY o."track_id") AS e LEFT JOIN "t" AS f ON f.rowid = e."first_row" LEFT JOIN "t" AS l ON l._rowid_ = e."last_row" ORDER BY e."track_id"',
      'PRAGMA journal_mode = WAL',
      `SELECT m.name FROM sqlite_master AS m WHERE m.type = 'table'
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) AS p WHERE lower(p.name) = 'track_id')
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) AS p WHERE lower(p.name) = 'timestamp')`,
    ];
    expect(foreignStatements(own)).toEqual([]);
  });

  it('flags statements carrying text from outside the quotes', () => {
    const injected = [
      'INSERT INTO "t" ("a") VALUES (?); DROP TABLE "t"',
      'CREATE TABLE "a"b" (track_id TEXT, timestamp TEXT, PRIMARY KEY (track_id, timestamp))', // an unescaped quote
      'ALTER TABLE "t" ADD COLUMN "x" TEXT; DELETE FROM "t"',
      'SELECT * FROM "t" WHERE "a" = 1 OR 1=1',
      'SELECT * FROM "t" WHERE "a" = ? -- ',
      'UPDATE "t" SET "a" = ?, b = 1',
      'DROP TABLE "t"',
      'SELECT * FROM "t" WHERE "a" = \'x\'',
      'PRAGMA writable_schema = ON',
      'SELECT o."track_id", count(*) FROM "t" AS o WHERE "a" = ? OR 1=1 GROUP BY o."track_id" ORDER BY o."track_id"',
      'SELECT o."track_id", (SELECT i."a" FROM "t" AS i WHERE i."a" IS NOT NULL AND i.b = 1 ORDER BY i."timestamp" DESC LIMIT 1) FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id"',
      'SELECT o."track_id", (SELECT sqlite_version()) FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id"',
      'SELECT o."track_id", max(o."a") FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id"; DROP TABLE "t"',
      'SELECT e."track_id", coalesce(f."a", (SELECT i."a" FROM "t" AS i WHERE i."a" IS NOT NULL OR 1=1 AND i."track_id" IS e."track_id" ORDER BY i."timestamp" ASC LIMIT 1)) FROM (SELECT o."track_id", (SELECT i.rowid FROM "t" AS i WHERE i."track_id" IS o."track_id" ORDER BY i."timestamp" ASC LIMIT 1) AS "f" FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id") AS e LEFT JOIN "t" AS f ON f.rowid = e."f" LEFT JOIN "t" AS l ON l.rowid = e."l" ORDER BY e."track_id"',
      'SELECT e."track_id", coalesce(f."a", sqlite_version()) FROM (SELECT o."track_id", (SELECT i.rowid FROM "t" AS i WHERE i."track_id" IS o."track_id" ORDER BY i."timestamp" ASC LIMIT 1) AS "f" FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id") AS e LEFT JOIN "t" AS f ON f.rowid = e."f" LEFT JOIN "t" AS l ON l.rowid = e."l" ORDER BY e."track_id"',
      'SELECT e."track_id", e."m0" FROM (SELECT o."track_id", count(*) AS "m0", (SELECT i.rowid FROM "t" AS i WHERE i."track_id" IS o."track_id" OR 1=1 ORDER BY i."timestamp" ASC LIMIT 1) AS "f" FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id") AS e LEFT JOIN "t" AS f ON f.rowid = e."f" LEFT JOIN "t" AS l ON l.rowid = e."l" ORDER BY e."track_id"',
      'SELECT e."track_id", e."m0" FROM (SELECT o."track_id", load_extension(?) AS "m0" FROM "t" AS o GROUP BY o."track_id" ORDER BY o."track_id") AS e LEFT JOIN "t" AS f ON f.rowid = e."f" LEFT JOIN "t" AS l ON l.rowid = e."l" ORDER BY e."track_id"',
    ];
    expect(foreignStatements(injected).map((s) => s.sql)).toEqual(injected);
  });

  it('cuts out quoted identifiers with doubled quotes', () => {
    expect(skeleton('INSERT INTO "a""b" ("c", "d""") VALUES (?, ?)')).toBe('INSERT INTO I (I+) VALUES (?+)');
  });
});

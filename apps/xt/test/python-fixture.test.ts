import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { columnOf, parseMarkdown } from './support/markdown-table.js';
import { FIXTURE_DIR } from './support/paths.js';
import { runXt } from './support/run-xt.js';
import { copyFixture, useTempDir } from './support/temp-dir.js';

interface FixtureTable {
  table_info: { name: string }[];
  rows: Record<string, string | number | null>[];
}
const fixture = JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'xetrack_fixture.json'), 'utf8')) as { tables: Record<string, FixtureTable> };
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** The row as the fixture's account gives it: every column of table_info, in order. */
const expectedRow = (table: FixtureTable, row: Record<string, unknown>) => Object.fromEntries(table.table_info.map((c) => [c.name, row[c.name] ?? null]));

describe('xt on the database Python xetrack 0.7.0 wrote', () => {
  const tempDir = useTempDir('xt-python-');

  for (const name of ['default', 'predictions']) {
    it(`head --json returns every row and column of "${name}" in table order`, () => {
      const db = copyFixture(tempDir());
      const table = fixture.tables[name]!;
      const result = runXt(['head', db, '--table', name, '--n', '100', '--json']);
      expect(result.stderr).toBe('');
      const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
      expect(rows).toEqual(table.rows.map((r) => expectedRow(table, r)));
      // key order as printed (JSON.parse would move "7" to the front)
      const firstObject = result.stdout.slice(0, result.stdout.indexOf('\n  }'));
      expect([...firstObject.matchAll(/^ {4}"([^"]+)": /gm)].map((m) => m[1])).toEqual(table.table_info.map((c) => c.name));
    });
  }

  it('reads without changing a byte of the file', () => {
    const db = copyFixture(tempDir());
    const before = digest(db);
    for (const args of [
      ['head', db],
      ['tail', db, '--table', 'predictions'],
      ['columns', db],
      ['ls', db, '7'],
      ['runs', db],
      ['stats', 'describe', db],
      ['stats', 'top', db, 'accuracy'],
      ['plot', 'hist', db, 'epoch'],
      ['plot', 'scatter', db, 'epoch', 'accuracy'],
      ['sql', db, 'SELECT count(*) FROM "default"'],
    ]) {
      expect(runXt(args).status, args.join(' ')).toBe(0);
    }
    expect(digest(db)).toBe(before);
  });

  it('lists runs, columns with Python declared types, and odd column names', () => {
    const db = copyFixture(tempDir());
    const runs = JSON.parse(runXt(['runs', db, '--json']).stdout) as { track_id: string; rows: number; first: string; last: string }[];
    const rows = fixture.tables.default!.rows;
    expect(runs).toEqual(
      ['run-alpha', 'run-beta'].map((id) => {
        const own = rows.filter((r) => r.track_id === id);
        const stamps = own.map((r) => String(r.timestamp));
        // a run's params: the columns that hold one non-null value on every row of the run
        const params = Object.fromEntries(
          Object.keys(own[0]!)
            .filter((c) => c !== 'track_id' && c !== 'timestamp')
            .filter((c) => own.every((r) => r[c] !== null && r[c] === own[0]![c]))
            .map((c) => [c, own[0]![c]]),
        );
        return { track_id: id, rows: stamps.length, first: stamps[0], last: stamps[stamps.length - 1], params, metrics: {} };
      }),
    );
    const columns = JSON.parse(runXt(['columns', db, '--json']).stdout) as { column: string; type: string }[];
    expect(columns.map((c) => c.column)).toEqual(fixture.tables.default!.table_info.map((c) => c.name));
    expect(columns.find((c) => c.column === 'function_time')?.type).toBe('float');
    expect(columnOf(parseMarkdown(runXt(['ls', db, '7', '--unique']).stdout), '7')).toEqual(['', 'seven']);
  });

  it('describes columns as computed from the fixture rows, mixed-type columns as text', () => {
    const db = copyFixture(tempDir());
    const stats = JSON.parse(runXt(['stats', 'describe', db, '--columns', 'accuracy,function_result', '--json']).stdout) as Record<string, unknown>[];
    const get = (stat: string) => stats.find((s) => s.statistic === stat)!;
    const accuracy = fixture.tables.default!.rows.map((r) => r.accuracy).filter((v): v is number => typeof v === 'number');
    const results = fixture.tables.default!.rows.map((r) => r.function_result).filter((v) => v !== null);
    expect(get('count')).toMatchObject({ accuracy: accuracy.length, function_result: results.length });
    expect(get('mean').accuracy).toBeCloseTo(accuracy.reduce((a, b) => a + b, 0) / accuracy.length, 12);
    expect(get('max').accuracy).toBe(Math.max(...accuracy));
    // function_result holds integers and the text "None" (a Python xetrack quirk): counted, not averaged
    expect(get('unique').function_result).toBe(new Set(results).size);
    expect(results).toContain('None');
    const top = JSON.parse(runXt(['stats', 'top', db, 'function_result', '--json']).stdout) as Record<string, unknown>[];
    expect(top.map((r) => r.function_result)).toEqual([31]);
  });

  it('answers `FROM default` with the quoting hint, and runs the quoted query', () => {
    const db = copyFixture(tempDir());
    const bad = runXt(['sql', db, 'SELECT * FROM default']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('SELECT * FROM "default"');
    const good = runXt(['sql', db, 'SELECT track_id, count(*) AS n FROM "default" GROUP BY track_id', '--json']);
    expect(JSON.parse(good.stdout)).toEqual([
      { track_id: 'run-alpha', n: 9 },
      { track_id: 'run-beta', n: 4 },
    ]);
  });

  it('edits it: set and delete', () => {
    const db = copyFixture(tempDir());
    expect(runXt(['set', db, 'status', 'archived', '--track-id', 'run-beta']).stderr).toBe('Set status on 4 rows.\n');
    expect(runXt(['delete', db, 'run-alpha', '--table', 'predictions']).stderr).toBe('Deleted 3 rows of run run-alpha.\n');
    expect(JSON.parse(runXt(['ls', db, 'status', '--unique', '--json']).stdout)).toEqual([{ status: 'finished' }, { status: 'archived' }]);
    expect(JSON.parse(runXt(['head', db, '--table', 'predictions', '--json']).stdout)).toEqual([]);
  });
});

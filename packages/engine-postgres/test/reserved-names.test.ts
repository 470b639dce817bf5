import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copy, isXetrackError, merge, Reader, Tracker } from '@xetrack/core';
import { duckdbEngine } from '@xetrack/engine-duckdb';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { postgresEngine } from '../src/index.js';
import { admin, dropSchema, uniqueSchema, urlFor } from './support/server.js';

const SYSTEM_COLUMNS = ['xmin', 'xmax', 'cmin', 'cmax', 'ctid', 'tableoid'];

let dir: string;
let schema: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'xt-pg-names-'));
  schema = uniqueSchema('names');
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

describe('keys named like PostgreSQL system columns', () => {
  it('are stored under their own name (the identifier is name~hash), and the tracker goes on', async () => {
    const tracker = await Tracker.open(urlFor(schema), { engine: postgresEngine, warnings: false });
    await tracker.log({ step: 1 });
    const row = Object.fromEntries(SYSTEM_COLUMNS.map((name, i) => [name, i]));
    await tracker.log({ step: 2, ...row });
    await tracker.log({ step: 3 });
    expect(await tracker.columns()).toEqual(['track_id', 'timestamp', 'step', ...SYSTEM_COLUMNS]);
    expect(await tracker.values('xmin')).toEqual([null, 0, null]);
    expect(await tracker.values('tableoid')).toEqual([null, 5, null]);
    expect(await tracker.values('step')).toEqual([1, 2, 3]);
    await tracker.close();

    const physical = await admin<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [
      schema,
      'default',
    ]);
    for (const name of SYSTEM_COLUMNS) expect(physical.map((c) => c.column_name)).toContainEqual(expect.stringMatching(new RegExp(`^${name}~[0-9a-f]{16}$`)));

    // copied to SQLite, they are plain columns of that name again
    const file = path.join(dir, 'copy.db');
    await copy(urlFor(schema), file, { sourceEngine: postgresEngine, targetEngine: sqliteEngine });
    const reader = await Reader.open(file, { engine: sqliteEngine });
    expect((await reader.toRows()).map((r) => r.xmin)).toEqual([null, 0, null]);
    await reader.close();
  });
});

describe('copying tables whose names differ only in letter case', () => {
  it('into SQLite or DuckDB (copy and merge): refused naming both, nothing copied; into PostgreSQL: two tables', async () => {
    for (const table of ['CaseTable', 'casetable']) {
      const tracker = await Tracker.open(urlFor(schema), { engine: postgresEngine, table, warnings: false });
      await tracker.log({ from: table });
      await tracker.close();
    }
    for (const [file, engine] of [
      [path.join(dir, 'target.db'), sqliteEngine],
      [path.join(dir, 'target.duckdb'), duckdbEngine],
    ] as const) {
      const error = await copy(urlFor(schema), file, { sourceEngine: postgresEngine, targetEngine: engine }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isXetrackError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect((error as Error).message).toContain('"CaseTable" and "casetable"');
      const empty = await copy(file, path.join(dir, 'probe.db'), { sourceEngine: engine, targetEngine: sqliteEngine }); // reads the target's tables
      expect(empty.tables).toEqual({});
      const merging = await merge(file, [urlFor(schema)], { sourceEngine: postgresEngine, targetEngine: engine }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isXetrackError(merging, 'INVALID_ARGUMENT'), String(merging)).toBe(true);
      // one of them at a time still copies
      const one = await copy(urlFor(schema), file, { sourceEngine: postgresEngine, targetEngine: engine, tables: ['casetable'] });
      expect(one.copied).toBe(1);
    }
    const reader = await Reader.open(path.join(dir, 'target.db'), { engine: sqliteEngine, table: 'casetable' });
    expect(await reader.tables()).toEqual(['casetable']);
    expect((await reader.toRows()).map((r) => r.from)).toEqual(['casetable']);
    await reader.close();

    const other = uniqueSchema('names_copy');
    try {
      const result = await copy(urlFor(schema), urlFor(other), { sourceEngine: postgresEngine, targetEngine: postgresEngine });
      expect(result.tables).toMatchObject({ CaseTable: { copied: 1 }, casetable: { copied: 1 } });
    } finally {
      await dropSchema(other);
    }
  });
});

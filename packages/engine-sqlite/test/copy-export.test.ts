import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copy, isXetrackError, Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'xt-copy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function seed(file: string, trackId: string, rows: Record<string, unknown>[], table = 'default') {
  const t = await Tracker.open(file, { engine: sqliteEngine, trackId, table });
  await t.logBatch(rows);
  await t.close();
}

async function rowsOf(file: string, table = 'default') {
  const r = await Reader.open(file, { engine: sqliteEngine, table });
  const rows = await r.toRows();
  await r.close();
  return rows;
}

/** A small RFC 4180 parser for reading exports back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

describe('copy between SQLite files', () => {
  it('copies every table, adds columns, and copies nothing the second time', async () => {
    const source = path.join(dir, 'a.db');
    const target = path.join(dir, 'b.db');
    await seed(source, 'run-a', [
      { x: 1, s: 'one' },
      { x: 2, obj: { k: [1] } },
    ]);
    await seed(source, 'run-a', [{ p: 0.5 }], 'predictions');
    await seed(target, 'run-b', [{ y: true }]);

    const first = await copy(source, target);
    expect(first.copied).toBe(3);
    expect(first.tables.default).toEqual({ copied: 2, skipped: 0, conflicts: 0, columnsAdded: 3 });
    const second = await copy(source, target);
    expect(second).toMatchObject({ copied: 0, skipped: 3 });

    const rows = await rowsOf(target);
    expect(rows.map((r) => [r.track_id, r.x, r.s, r.y])).toEqual([
      ['run-a', 1, 'one', null],
      ['run-a', 2, null, null],
      ['run-b', null, null, true],
    ]);
    expect(rows[1]!.obj).toEqual({ k: [1] });
    expect((await rowsOf(source)).map((r) => r.timestamp)).toEqual(rows.slice(0, 2).map((r) => r.timestamp));
    expect((await rowsOf(target, 'predictions'))[0]).toMatchObject({ track_id: 'run-a', p: 0.5 });
  });

  it('copies only the named tables and reports progress', async () => {
    const source = path.join(dir, 'a.db');
    const target = path.join(dir, 'b.db');
    await seed(
      source,
      'r',
      Array.from({ length: 25 }, (_, i) => ({ i })),
    );
    await seed(source, 'r', [{ other: 1 }], 'other');
    const seen: number[] = [];
    const result = await copy(source, target, { tables: ['default'], batchSize: 10, onProgress: (p) => seen.push(p.done) });
    expect(result.copied).toBe(25);
    expect(seen).toEqual([10, 20, 25]);
    const reader = await Reader.open(target, { engine: sqliteEngine });
    expect(await reader.tables()).toEqual(['default']);
    await reader.close();
  });

  it('never creates a missing source or table', async () => {
    const missing = path.join(dir, 'missing.db');
    const target = path.join(dir, 'b.db');
    const error = await copy(missing, target).catch((e: unknown) => e);
    expect(isXetrackError(error, 'NOT_FOUND')).toBe(true);
    expect(existsSync(missing)).toBe(false);
    const source = path.join(dir, 'a.db');
    await seed(source, 'r', [{ a: 1 }]);
    const noTable = await copy(source, target, { tables: ['nope'] }).catch((e: unknown) => e);
    expect(isXetrackError(noTable, 'UNKNOWN_TABLE')).toBe(true);
    const reader = await Reader.open(source, { engine: sqliteEngine });
    expect(await reader.tables()).toEqual(['default']);
    await reader.close();
  });

  it('refuses a data file as the target (it made a SQLite file named .parquet), saying how to export; a named engine still makes a database of that name', async () => {
    const source = path.join(dir, 'a.db');
    await seed(source, 'r', [{ a: 1 }]);
    for (const name of ['rows.parquet', 'rows.csv', 'rows.JSONL', 'rows.json']) {
      const target = path.join(dir, name);
      const error = await copy(source, target).catch((e: unknown) => e);
      expect(isXetrackError(error, 'INVALID_ARGUMENT'), name).toBe(true);
      expect((error as Error).message).toMatch(name.endsWith('.json') ? /names a data file, not a database/ : /copy\(\) writes databases.*reader\.exportTo/);
      expect(existsSync(target), name).toBe(false);
    }
    const named = path.join(dir, 'store.csv');
    expect((await copy(source, named, { targetEngine: sqliteEngine })).copied).toBe(1);
    expect(readFileSync(named).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
  });
});

describe('export', () => {
  const rows = [
    { i: 1, f: 0.5, s: 'plain', b: true, j: { a: [1, 2] }, blob: new Uint8Array([1, 2, 255]) },
    { i: 2, f: -1.25, s: 'comma, "quote"\nnewline', b: false, j: 'str', blob: null },
    { i: 3, f: null, s: ' edge ', b: null, j: null, big: 2n ** 60n },
  ];

  it('writes CSV that reads back to the same values', async () => {
    const file = path.join(dir, 'db.db');
    const t = await Tracker.open(file, { engine: sqliteEngine, trackId: 'e' });
    await t.logBatch(rows);
    const out = path.join(dir, 'out', 'rows.csv');
    expect(await t.toCsv(out)).toBe(3);
    const [header, ...lines] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(['track_id', 'timestamp', 'i', 'f', 's', 'b', 'j', 'blob', 'big']);
    expect(lines.map((l) => l.slice(2))).toEqual([
      ['1', '0.5', 'plain', 'true', '{"a":[1,2]}', Buffer.from([1, 2, 255]).toString('base64'), ''],
      ['2', '-1.25', 'comma, "quote"\nnewline', 'false', '"str"', '', ''],
      ['3', '', ' edge ', '', '', '', String(2n ** 60n)],
    ]);
    await t.close();
  });

  it('writes JSONL from a Reader with its filters', async () => {
    const file = path.join(dir, 'db.db');
    await seed(file, 'one', rows);
    await seed(file, 'two', [{ i: 99 }]);
    const reader = await Reader.open(file, { engine: sqliteEngine });
    const out = path.join(dir, 'rows.jsonl');
    expect(await reader.toJsonl(out, { trackId: 'one' })).toBe(3);
    const back = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(back.map((r) => [r.i, r.f, r.s, r.b, r.j])).toEqual([
      [1, 0.5, 'plain', true, { a: [1, 2] }],
      [2, -1.25, 'comma, "quote"\nnewline', false, 'str'],
      [3, null, ' edge ', null, null],
    ]);
    expect(back[2]!.big).toBe(String(2n ** 60n));
    expect(await reader.exportTo(path.join(dir, 'tail.jsonl'), { tail: 2 })).toBe(2);
    expect(
      readFileSync(path.join(dir, 'tail.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { i: number }).i),
    ).toEqual([3, 99]);
    await reader.close();
  });

  it('rejects an unknown extension', async () => {
    const file = path.join(dir, 'db.db');
    await seed(file, 'one', rows);
    const reader = await Reader.open(file, { engine: sqliteEngine });
    const unknown = await reader.exportTo(path.join(dir, 'x.xlsx')).catch((e: unknown) => e);
    expect(isXetrackError(unknown, 'INVALID_ARGUMENT')).toBe(true);
    expect(existsSync(path.join(dir, 'x.xlsx'))).toBe(false);
    await reader.close();
  });

  it('names the package Parquet needs when it is not installed (plain node, no DuckDB in reach)', async () => {
    const file = path.join(dir, 'db.db');
    await seed(file, 'one', rows);
    // A real process: vitest's own resolver would find the workspace's DuckDB package.
    const core = pathToFileURL(path.resolve(here, '../../core/dist/index.js')).href;
    const engine = pathToFileURL(path.resolve(here, '../dist/index.js')).href;
    const script = `
      const { Reader } = await import(${JSON.stringify(core)});
      const { sqliteEngine } = await import(${JSON.stringify(engine)});
      const reader = await Reader.open(${JSON.stringify(file)}, { engine: sqliteEngine });
      try { await reader.toParquet('out.parquet'); console.log('no error'); }
      catch (e) { console.log(e.code + ' ' + e.message); }
      await reader.close();`;
    // NODE_PATH (set by pnpm for scripts) would make the workspace's packages visible to require.resolve.
    const { NODE_PATH: _ignored, ...env } = process.env;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env });
    expect(out).toMatch(/^PACKAGE_NOT_FOUND .*@xetrack\/engine-duckdb.*pnpm add @xetrack\/engine-duckdb/);
    expect(existsSync(path.join(dir, 'out.parquet'))).toBe(false);
  });

  it('names the add-on a tracker option needs when it is not installed: PACKAGE_NOT_FOUND, and the file stays usable', async () => {
    const file = path.join(dir, 'addons.db');
    const core = pathToFileURL(path.resolve(here, '../../core/dist/index.js')).href;
    const engine = pathToFileURL(path.resolve(here, '../dist/index.js')).href;
    const script = `
      const { Tracker } = await import(${JSON.stringify(core)});
      const { sqliteEngine } = await import(${JSON.stringify(engine)});
      for (const [option, value] of [['cache', 'cache-dir'], ['assets', true], ['gitRoot', '.']]) {
        try { await Tracker.open(${JSON.stringify(file)}, { engine: sqliteEngine, [option]: value }); console.log(option + ' no error'); }
        catch (e) { console.log(option + ' ' + e.code + ' ' + e.message); }
      }
      const t = await Tracker.open(${JSON.stringify(file)}, { engine: sqliteEngine });
      await t.log({ a: 1 });
      await t.close();
      console.log('logged');`;
    const { NODE_PATH: _ignored, ...env } = process.env;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env });
    expect(out).toMatch(/^cache PACKAGE_NOT_FOUND The cache option needs @xetrack\/cache.*pnpm add @xetrack\/cache/m);
    expect(out).toMatch(/^assets PACKAGE_NOT_FOUND The assets option needs @xetrack\/assets.*pnpm add @xetrack\/assets/m);
    expect(out).toMatch(/^gitRoot PACKAGE_NOT_FOUND The gitRoot option needs @xetrack\/git.*pnpm add @xetrack\/git/m);
    expect(out).toMatch(/^logged$/m);
  });
});

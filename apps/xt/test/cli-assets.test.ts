// The `xt assets` commands, run in-process with an injected context.
import { chmodSync, copyFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { assetsDelete, assetsExport, assetsGc, assetsLs } from '../src/commands/assets.js';
import { createContext } from '../src/context.js';
import { xxh64Hex } from '@xetrack/assets';
import { tempDb, tempDir } from './support/add-on-temp.js';
import { runXt } from './support/run-xt.js';

function memory() {
  const out = { stdout: '', stderr: '' };
  const context = createContext({
    resolveEngine: async () => sqliteEngine,
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    color: false,
  });
  return { context, out };
}

const FILE = new Uint8Array([1, 2, 3, 250]);

async function database(): Promise<{ db: string; rows: Record<string, unknown>[] }> {
  const db = tempDb();
  const tracker = await Tracker.open(db, { engine: sqliteEngine, assets: true, warnings: false });
  await tracker.log({ step: 1, file: FILE, model: new Map([['w', 1]]) });
  await tracker.log({ step: 2, model: new Map([['w', 1]]) });
  const rows = await tracker.toRows();
  await tracker.close();
  return { db, rows };
}

describe('xt assets', () => {
  it('ls lists every asset with its serializer, sizes, count and columns (--json too)', async () => {
    const { db, rows } = await database();
    const { context, out } = memory();
    await assetsLs(context, { db, json: true });
    const listed = JSON.parse(out.stdout) as Record<string, unknown>[];
    // listed oldest first, by hash within a millisecond: both were stored by one log(), often in the same one
    const byHash = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(listed.map((a) => [a.hash, a.serializer, a.count, a.columns]).sort(byHash)).toEqual(
      [
        [rows[0]!.file, 'raw', 1, 'file'],
        [rows[0]!.model, 'v8', 2, 'model'],
      ].sort(byHash),
    );
    const order = listed.map((a) => `${String(a.created)} ${String(a.hash)}`); // ISO times sort as text
    expect(order).toEqual([...order].sort());
    expect(listed.find((a) => a.hash === rows[0]!.file)).toMatchObject({ bytes: 4, stored_bytes: 4 });
    const table = memory();
    await assetsLs(table.context, { db, json: false });
    expect(table.out.stdout.split('\n')[0]).toMatch(/^\| hash +\| serializer +\| +bytes \| +stored_bytes \| +count \| columns +\| created +\|$/);
    expect(table.out.stdout).toContain(String(rows[0]!.model));
  });

  it('a file without assets has none, and is left untouched', async () => {
    const db = tempDb();
    const tracker = await Tracker.open(db, { engine: sqliteEngine });
    await tracker.log({ a: 1 });
    await tracker.close();
    const before = readFileSync(db);
    const { context, out } = memory();
    await assetsLs(context, { db, json: false });
    expect(out.stderr).toMatch(/No assets in/);
    await assetsLs(context, { db, json: true });
    expect(out.stdout).toBe('[]\n');
    expect(readFileSync(db).equals(before)).toBe(true);
    await expect(assetsLs(context, { db: path.join(tempDir(), 'none.db'), json: false })).rejects.toThrow();
  });

  it('a Python xetrack file: its pickled assets are named, not read, and the file is left as it was', async () => {
    const db = tempDb();
    copyFileSync(new URL('../../../fixtures/python-xetrack-0.7.0/xetrack_fixture.db', import.meta.url), db);
    chmodSync(db, 0o644);
    const before = readFileSync(db);
    const { context, out } = memory();
    await assetsLs(context, { db, json: false });
    expect(out.stderr).toMatch(/holds Python xetrack assets .*read them with Python xetrack/);
    expect(out.stderr).toMatch(/No assets in/);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('export writes the serialized bytes: a logged Uint8Array comes out as the same file', async () => {
    const { db, rows } = await database();
    const { context, out } = memory();
    const target = path.join(tempDir(), 'out.bin');
    await assetsExport(context, { db, asset: String(rows[0]!.file), output: target });
    expect(new Uint8Array(readFileSync(target))).toEqual(FILE);
    expect(xxh64Hex(readFileSync(target))).toBe(rows[0]!.file);
    expect(out.stderr).toMatch(/saved to .*out\.bin \(4 bytes, serializer raw\)/);
    const byColumn = path.join(tempDir(), 'model.bin');
    await assetsExport(context, { db, asset: 'model', output: byColumn });
    expect(statSync(byColumn).size).toBeGreaterThan(0);
    await expect(assetsExport(context, { db, asset: '0123456789abcdef', output: target })).rejects.toThrow(/not found/);
  });

  it('delete removes an asset and, with --column, clears the cells that held it', async () => {
    const { db, rows } = await database();
    const { context, out } = memory();
    await assetsDelete(context, { db, hash: String(rows[0]!.model), column: 'model' });
    expect(out.stderr).toMatch(/Deleted asset [0-9a-f]{16}, and set model to NULL/);
    const reader = await Tracker.open(db, { engine: sqliteEngine });
    expect((await reader.toRows({ all: true })).map((r) => r.model)).toEqual([null, null]);
    await reader.close();
    await expect(assetsDelete(context, { db, hash: String(rows[0]!.model) })).rejects.toThrow(/No asset/);
  });

  it('gc frees what no row references and reports it', async () => {
    const { db } = await database();
    const tracker = await Tracker.open(db, { engine: sqliteEngine });
    await tracker.engine.delete('default', [{ column: 'step', op: '=', value: 1 }]); // the only row with `file`
    await tracker.close();
    const young = memory();
    await assetsGc(young.context, { db, json: false });
    expect(young.out.stderr).toMatch(/^Removed 0 assets, freed 0 bytes\. Kept 1 unreferenced asset/);
    const { context, out } = memory();
    await assetsGc(context, { db, graceMs: 0, json: true });
    expect(JSON.parse(out.stdout)).toEqual({ removed: 1, bytes: 4, kept: 0 });
  });

  it('ls on a record garbled by hand: one line naming the damaged asset and what to do, exit 1; delete then clears it', async () => {
    const { db, rows } = await database();
    const hash = String(rows[0]!.model);
    const engine = await sqliteEngine.create({ path: db });
    await engine.sql!('UPDATE xetrack_assets SET value = ? WHERE key = ?', ['{"value":{"serializer":"v8","created":"yesterday"},"expires":null}', `xetrack-assets:meta:${hash}`]);
    await engine.close();
    const ls = runXt(['assets', 'ls', db]);
    expect(ls.status).toBe(1);
    expect(ls.stderr.split('\n')).toHaveLength(2); // one line, then the end
    expect(ls.stderr).toMatch(new RegExp(`^xt: Asset ${hash} is damaged: .*Log the value again to restore it, or delete the asset \\(removeHash, or xt assets delete DB ${hash}\\)`));
    expect(runXt(['assets', 'delete', db, hash]).status).toBe(0);
    const listed = runXt(['assets', 'ls', db, '--json']);
    expect(listed.status).toBe(0);
    expect((JSON.parse(listed.stdout) as { hash: string }[]).map((a) => a.hash)).toEqual([rows[0]!.file]);
  });
});

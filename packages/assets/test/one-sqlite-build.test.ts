import { readFileSync } from 'node:fs';
import KeyvSqlite from '@keyv/sqlite';
import { isXetrackError, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { assetStore, type KeyvAssetStore } from '../src/index.js';
import { tempDb } from './helpers.js';

const keyvSqlite = (file: string) => () => new KeyvSqlite({ uri: `sqlite://${file}`, table: 'xt_assets' });

/**
 * Two SQLite builds in one process (better-sqlite3's and the `sqlite3` package's) do not see each
 * other's locks on one file: the asset store of a tracker's file goes through the engine's
 * connection, so open/log/close cycles never damage the file.
 */
describe('one SQLite library per file per process', () => {
  it('40 cycles of assetStore({ path }) + Tracker.open(path, { assets }) + log + close, each store read after its tracker closed: all clean', async () => {
    const db = tempDb();
    const failures: string[] = [];
    const stores: KeyvAssetStore[] = [];
    for (let i = 0; i < 40; i++) {
      const assets = assetStore({ path: db, warnings: false });
      stores.push(assets); // a store outlives its tracker, as one kept for reading does
      try {
        const tracker = await Tracker.open(db, { engine: sqliteEngine, assets, warnings: false });
        const row = await tracker.log({ i, weights: new Float32Array(1000).fill(i) });
        await tracker.close();
        const back = (await assets.get(String(row.weights))) as Float32Array;
        if (back?.[999] !== i) failures.push(`cycle ${i}: read back ${String(back?.[999])}`);
      } catch (error) {
        failures.push(`cycle ${i}: ${(error as Error).message}`);
      }
    }
    for (const store of stores) await store.close().catch((error: Error) => failures.push(`close: ${error.message}`));
    expect(failures).toEqual([]);
    const check = assetStore({ path: db, warnings: false });
    const listed = await check.list();
    expect(listed).toHaveLength(40);
    for (const [i, asset] of listed.entries()) expect(((await check.get(asset.hash)) as Float32Array)[0]).toBe(i);
    await check.close();
    const engine = await sqliteEngine.create({ path: db });
    expect(await engine.sql!('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(await engine.count('default')).toBe(40);
    await engine.close();
  });

  it('copyFrom a file a tracker holds open (what xt copy does): every asset copied, the tracker goes on, and closes cleanly', async () => {
    const source = tempDb();
    const target = tempDb();
    const tracker = await Tracker.open(source, { engine: sqliteEngine, assets: true, warnings: false });
    for (let i = 0; i < 20; i++) await tracker.log({ i, weights: new Float32Array(1000).fill(i) });
    const from = assetStore({ path: source, warnings: false });
    const to = assetStore({ path: target, warnings: false });
    try {
      expect(await to.copyFrom(from)).toBe(20);
      await tracker.log({ i: 20, weights: new Float32Array(1000).fill(20) });
      expect(await to.copyFrom(from)).toBe(1);
      await tracker.close(); // while the copy's stores are still open
      const again = await Tracker.open(source, { engine: sqliteEngine, assets: true, warnings: false });
      await again.log({ i: 21, weights: new Float32Array(1000).fill(21) });
      await again.close();
      expect(await from.list()).toHaveLength(22);
      expect(await to.copyFrom(from)).toBe(1);
      expect(await to.list()).toHaveLength(22);
    } finally {
      await from.close();
      await to.close();
    }
    const engine = await sqliteEngine.create({ path: source });
    expect(await engine.sql!('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(await engine.count('default')).toBe(22);
    await engine.close();
  });

  it('@keyv/sqlite on a separate file still works; on a file a tracker of this process holds it is refused, naming the file', async () => {
    const db = tempDb();
    const separate = tempDb();
    const assets = assetStore({ store: keyvSqlite(separate), warnings: false });
    const tracker = await Tracker.open(db, { engine: sqliteEngine, assets, warnings: false });
    const row = await tracker.log({ weights: new Float32Array([1, 2]) });
    expect(Array.from((await assets.get(String(row.weights))) as Float32Array)).toEqual([1, 2]);

    let refused: unknown;
    try {
      assetStore({ store: keyvSqlite(db), warnings: false }); // db is held by the tracker's engine
    } catch (error) {
      refused = error;
    }
    expect(isXetrackError(refused, 'INVALID_ARGUMENT')).toBe(true);
    expect((refused as Error).message).toContain(`${db} is open in this process through the SQLite engine`);
    await tracker.close();
    await assets.close();

    // made before the tracker opened the file: refused when the tracker attaches it; the rows stay
    const adapters: KeyvSqlite[] = [];
    const early = assetStore({ store: () => adapters[adapters.push(keyvSqlite(db)()) - 1]!, warnings: false });
    await expect(Tracker.open(db, { engine: sqliteEngine, assets: early, warnings: false })).rejects.toThrow(/another SQLite library/);
    for (const adapter of adapters) await adapter.disconnect();
    const engine = await sqliteEngine.create({ path: db });
    expect(await engine.count('default')).toBe(1);
    expect(await engine.sql!('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    await engine.close();
  });

  it('a default install (core + engine-sqlite + assets) brings one native SQLite: @keyv/sqlite is an optional peer', () => {
    const manifest = (pkg: string) => JSON.parse(readFileSync(new URL(`../../${pkg}/package.json`, import.meta.url), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    const assets = manifest('assets');
    for (const pkg of [assets, manifest('core'), manifest('engine-sqlite')]) {
      expect(Object.keys(pkg.dependencies ?? {})).not.toContain('@keyv/sqlite');
      expect(Object.keys(pkg.dependencies ?? {})).not.toContain('sqlite3');
    }
    expect(assets.peerDependenciesMeta?.['@keyv/sqlite']).toEqual({ optional: true });
  });
});

/**
 * The assets a SQLite database's store holds (@xetrack/assets, installed next to this package):
 * listed by hash, and read for download. A database without the store has none; the store is
 * opened for each use and closed at once, and only read.
 */
import { importOptional, type Reader } from '@xetrack/core';
import type { AssetInfo } from '../common/types.js';

type Assets = typeof import('@xetrack/assets');
type AssetStore = import('@xetrack/assets').KeyvAssetStore;

async function withStore<T>(reader: Reader, none: T, use: (store: AssetStore) => Promise<T>): Promise<T> {
  const engine = reader.engine;
  if (engine.name !== 'sqlite' || !engine.sql) return none;
  const tables = await engine.sql("SELECT name FROM sqlite_master WHERE type = 'table'");
  let pkg: Assets;
  try {
    pkg = await importOptional<Assets>('@xetrack/assets', 'Listing assets');
  } catch {
    return none; // not installed: the database cannot hold assets we could read
  }
  if (!tables.some((t) => t.name === pkg.DEFAULT_TABLE)) return none;
  const store = pkg.assetStore({ path: reader.path, onWarning: () => undefined });
  try {
    store.attach({ engine, table: reader.table });
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Every asset, oldest first; `downloadable` says whether the page may offer its bytes. */
export async function listAssets(reader: Reader, downloadable: boolean): Promise<AssetInfo[]> {
  return withStore(reader, [], async (store) =>
    (await store.list()).map((a) => ({ hash: a.hash, serializer: a.serializer, bytes: a.size, count: a.count, columns: a.columns, created: new Date(a.created).toISOString(), downloadable })),
  );
}

/** An asset's serialized bytes (a logged Uint8Array: its own bytes), or undefined. */
export async function assetBytes(reader: Reader, hash: string): Promise<Uint8Array | undefined> {
  return withStore(reader, undefined, async (store) => (await store.serialized(hash))?.data);
}

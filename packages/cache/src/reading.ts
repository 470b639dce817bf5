import type { CacheEntry } from './cache-entry.js';
import { CacheStore } from './cache-store.js';
import { KeyvCacheStore, type KeyvStoreInput } from './keyv-cache-store.js';
import { LineageCache } from './lineage-cache.js';
import type { WarningOptions } from './warnings.js';

/** A cache to read: a directory, a store of this package (`cacheStore(...)`, `keyvCacheStore(...)`), or a Keyv store. */
export type CacheSource = string | LineageCache | KeyvStoreInput;

export interface ReadingOptions extends WarningOptions {
  /** The namespace of the entries when `cache` is a Keyv adapter (default `xetrack-cache`, as `keyvCacheStore`). */
  namespace?: string;
}

/**
 * The store behind `cache`. A directory is opened without the in-memory result cache (one read per
 * entry); a store object is used as it is; a Keyv adapter or `Keyv` is read through a
 * `KeyvCacheStore` (not disconnected afterwards: the caller's connection stays the caller's).
 */
function storeOf(cache: CacheSource, options: ReadingOptions): LineageCache {
  if (typeof cache === 'string') {
    if (options.namespace !== undefined) throw new TypeError('namespace: a cache directory has none; it is for a Keyv store.');
    return new CacheStore(cache, { ...options, memoryBytes: 0 });
  }
  if (LineageCache.isStore(cache)) {
    if (options.namespace !== undefined) throw new TypeError('namespace: this cache store has its own; pass the Keyv adapter instead to read another namespace.');
    return cache;
  }
  return new KeyvCacheStore(cache, options);
}

/** The entry under `key` (result and lineage), or undefined: in a cache directory, a cache store, or a Keyv store. */
export async function readCache(cache: CacheSource, key: string, options: ReadingOptions = {}): Promise<CacheEntry | undefined> {
  return storeOf(cache, options).read(key);
}

/**
 * Every entry of a cache: key, result, track_id, function name, creation time, size. `results:
 * false` skips decoding the results (for listing a cache of large values). A Keyv store must be
 * able to list its keys (@keyv/redis, @keyv/postgres and @keyv/sqlite can).
 */
export function scanCache(cache: CacheSource, options: ReadingOptions & { results?: boolean } = {}): AsyncGenerator<CacheEntry> {
  return storeOf(cache, options).scan({ results: options.results });
}

/** Deletes the entries the run `trackId` computed; resolves how many. */
export async function deleteCacheByTrackId(cache: CacheSource, trackId: string, options: ReadingOptions = {}): Promise<number> {
  return storeOf(cache, options).deleteByTrackId(trackId);
}

import { CacheStore, type CacheEntry } from './cache-store.js';
import type { WarningOptions } from './warnings.js';

/** The entry under `key` in the cache at `directory` (result and lineage), or undefined. */
export async function readCache(directory: string, key: string, options?: WarningOptions): Promise<CacheEntry | undefined> {
  return new CacheStore(directory, { ...options, memoryBytes: 0 }).read(key);
}

/**
 * Every entry of the cache at `directory`: key, result, track_id, function name, creation time.
 * `results: false` skips reading the results (for listing a cache of large values).
 */
export function scanCache(directory: string, options: WarningOptions & { results?: boolean } = {}): AsyncGenerator<CacheEntry> {
  return new CacheStore(directory, { ...options, memoryBytes: 0 }).scan({ results: options.results });
}

/** Deletes the entries the run `trackId` computed from the cache at `directory`; resolves how many. */
export async function deleteCacheByTrackId(directory: string, trackId: string): Promise<number> {
  return new CacheStore(directory, { memoryBytes: 0 }).deleteByTrackId(trackId);
}

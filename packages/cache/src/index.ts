/** @xetrack/cache: a function-result cache with lineage for `Tracker.track()`, on cacache. */
export { CacheStore, cacheStore, type CacheEntry, type CacheStoreOptions, type EntryMetadata } from './cache-store.js';
export { cacheKey, type Uncacheable } from './cache-key.js';
export { deleteCacheByTrackId, readCache, scanCache } from './reading.js';
export type { WarningOptions } from './warnings.js';
